import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Db } from "../db";
import { errorMessage, outageOf } from "../errors";
import type { Logger } from "../log";
import { CHANNELS, type FeedState, HEARTBEAT_MAX_MS, type FeedStatusMessage, KEYS, SourceReport, type SourceSummary, parseJson } from "../protocol";
import { countQueued } from "./change-capture";
import { freshWithinMs, writeStatus } from "./control";
import { DesiredFollower } from "./desired";
import { type AdminNotices, adminNoticesOn } from "./admin-notices";
import { FailureStreak, failureReason } from "./failures";
import { LeaderLease } from "../lease";
import type { PublisherMetrics } from "./metrics";
import { type OutageNotice, OutageTracker, type Service } from "./outages";
import type { PricingConfig } from "./pricing";
import { LeadershipLostError, SeqConflictError, type TickResult } from "./committer";
import { Publisher } from "./publisher";
import { PriorityListener } from "./priority-listener";
import { type LivenessConfig, ProducerLiveness, publisherTrust } from "./producer-liveness";
import { type HistoryLimits, StateStore } from "./state-store";
import { TickStats } from "./tick-stats";

export interface RunnerConfig {
  instanceId: string;
  leaderTtlMs: number;
  /** Interval when no admin has set one yet. */
  defaultIntervalMs: number;
  /** Run when no admin has started or stopped the publisher yet. */
  autostart: boolean;
  history: HistoryLimits;
  pricing: PricingConfig;
  /** The producer to watch and its silence limit (docs/publisher.md, "Producer liveness"). */
  liveness: Omit<LivenessConfig, "instanceId">;
}

export interface RunnerDeps {
  db: Db;
  /** For the LISTEN connection of priority events (null: no early ticks, e.g. in unit tests). */
  databaseUrl: string | null;
  /** Commands (fail fast: a failed tick rolls back and retries). */
  redis: Redis;
  /** A second connection in subscriber mode for the control channel. */
  subscriber: Redis;
  config: RunnerConfig;
  log: Logger;
  /** This process's Prometheus metrics (served by main.ts when PUBLISHER_METRICS_PORT is set). */
  metrics: PublisherMetrics;
}

/**
 * One publisher process: competes for the leader lease, follows the admin's decision (recorded in
 * Postgres) and, while it leads and the decision says running, ticks every interval. Any number may run; exactly one
 * writes. A standby takes over when the leader's lease lapses (≤ leaderTtlMs) or at once when the
 * leader shuts down cleanly and releases it.
 */
export class PublisherRunner {
  private readonly lease: LeaderLease;
  private readonly store: StateStore;
  private readonly stats = new TickStats();
  /** Commit → publish lags of the recent deltas, ms (reported as percentiles, like tick durations). */
  private readonly lags = new TickStats();
  /** Captured changes waiting, as last seen (null until this leader has seen any). */
  private queueDepth: number | null = null;
  /** The count of the queue in flight while not ticking (one at a time). */
  private queueCount: Promise<void> | null = null;
  private publisher: Publisher | null = null;
  private readonly priority: PriorityListener | null;
  /** A priority commit arrived while a tick was running: tick again at once after it. */
  private wokenDuringTick = false;
  /** Consecutive failed ticks or reads of the desired state (empty after a success). */
  private readonly failures = new FailureStreak();
  /** Postgres and Redis outages as this process saw them while leading, for the admins' feed. */
  private readonly outages = new OutageTracker();
  /** This process's admin events, held until a relay hears them (see AdminNotices). */
  private readonly notices: AdminNotices;
  /** The expected producer's liveness, the trust record and the bet stop, judged while leading. */
  private readonly liveness: ProducerLiveness;
  private controlTimer: NodeJS.Timeout | null = null;
  private controlRun: Promise<void> | null = null;
  private controlAgain = false;
  private tickLoop: Promise<void> | null = null;
  private ticking = false;
  private wake: (() => void) | null = null;
  private intervalMs: number;
  private leaderSince: number | null = null;
  /**
   * An opaque id of this term as leader, on every board summary: receivers order one leader's
   * summaries by time, and take a new leader's first one whatever its clock says.
   */
  private leadership = "";
  private lastSuccessAt: number | null = null;
  private lastSuccessMs: number | null = null;
  /** The admin's decision as last read from Postgres (read in the background while leading). */
  private readonly desired: DesiredFollower;
  /** The board summary last published (JSON), to publish only changes; null: publish the next one. */
  private summarySent: string | null = null;
  private stopped = false;

  constructor(private readonly deps: RunnerDeps) {
    this.lease = new LeaderLease(deps.redis, deps.config.instanceId, deps.config.leaderTtlMs);
    this.store = new StateStore(deps.redis, deps.config.history);
    this.intervalMs = deps.config.defaultIntervalMs;
    this.notices = adminNoticesOn(deps.redis, deps.log);
    this.liveness = new ProducerLiveness(
      { db: deps.db, redis: deps.redis, log: deps.log, token: () => this.lease.token, tell: (notice) => this.notices.tell(notice.kind, notice.data) },
      { instanceId: deps.config.instanceId, ...deps.config.liveness },
    );
    this.priority = deps.databaseUrl ? new PriorityListener(deps.databaseUrl, () => this.tickNow(), deps.log) : null;
    this.desired = new DesiredFollower(deps.db, { intervalMs: deps.config.defaultIntervalMs, autostart: deps.config.autostart }, {
      changed: () => this.requestControl(),
      // While running, a failure streak ends with a successful tick; while stopped, reading is all we do.
      read: () => {
        if (this.desired.state === "stopped") this.succeeded("the desired state can be read again", ["postgres"]);
      },
      failed: (error) => this.failed(error, "cannot read the desired state; keeping the last one read"),
    });
  }

  async start(): Promise<void> {
    this.deps.subscriber.on("message", (channel: string) => {
      if (channel === KEYS.publisherControl) this.requestControl();
    });
    await this.deps.subscriber.subscribe(KEYS.publisherControl);
    await this.priority?.start();
    this.controlTimer = setInterval(() => this.requestControl(), this.controlEveryMs);
    this.requestControl();
    await this.controlRun;
  }

  /** Stops ticking, waits for the tick in flight, and hands the lease over. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.controlTimer) clearInterval(this.controlTimer);
    await this.controlRun;
    await this.stopTicking();
    await this.queueCount;
    await this.desired.settled();
    await this.liveness.settled();
    await this.priority?.stop();
    await this.notices.flush();
    await this.lease.release().catch(() => {});
    await this.deps.subscriber.unsubscribe(KEYS.publisherControl).catch(() => {});
  }

  /**
   * The control step's period, ms: renews the lease (three times per TTL) and sends the heartbeat,
   * so never slower than a second, whatever the lease, or relays would call a healthy feed stale.
   */
  private get controlEveryMs(): number {
    return Math.max(100, Math.min(HEARTBEAT_MAX_MS, Math.floor(this.deps.config.leaderTtlMs / 3)));
  }

  /** A priority commit: tick now rather than at the end of the interval (no-op unless ticking). */
  tickNow(): void {
    this.deps.log.debug({ ticking: this.ticking, sleeping: this.wake !== null }, "priority commit");
    if (!this.ticking) return;
    if (this.wake) this.wake();
    else this.wokenDuringTick = true;
  }

  /** Runs the control step now (or right after the one in flight). */
  private requestControl(): void {
    if (this.stopped) return;
    if (this.controlRun) {
      this.controlAgain = true;
      return;
    }
    this.controlRun = this.control()
      .catch((error: unknown) => this.deps.log.error({ err: errorMessage(error) }, "control step failed"))
      .finally(() => {
        this.controlRun = null;
        if (this.controlAgain) {
          this.controlAgain = false;
          this.requestControl();
        }
      });
  }

  private async control(): Promise<void> {
    let reached = true;
    const leading = await this.lease.acquireOrRenew().catch((error: unknown) => {
      reached = false;
      this.lease.drop();
      this.deps.log.warn({ err: errorMessage(error) }, "cannot reach Redis to hold the lease");
      // Only the leader speaks of outages, or every standby would announce the same one.
      if (this.leaderSince !== null) this.announce(this.outages.failed("redis", failureReason(error), Date.now()));
      return false;
    });
    // Redis answered: a Redis outage this process saw is over, and can at last be told; and what
    // no relay heard yet (they subscribe again after Redis is back) is offered again.
    if (reached) {
      this.announce(this.outages.recovered("redis", Date.now()));
      void this.notices.flush();
    }
    if (!leading) {
      if (this.leaderSince !== null) this.deps.log.warn("no longer the leader; standing by");
      this.leaderSince = null;
      this.setQueueDepth(null);
      this.deps.metrics.leader.set(0);
      this.liveness.reset();
      await this.stopTicking();
      return;
    }
    if (this.leaderSince === null) await this.becomeLeader();
    this.desired.refresh(); // acts through `changed` when the decision moved
    const intervalChanged = this.desired.intervalMs !== this.intervalMs;
    this.intervalMs = this.desired.intervalMs;
    if (this.desired.state === "running") this.startTicking(intervalChanged);
    else await this.stopTicking();
    if (!this.ticking || this.failures.count > 0) this.sampleQueue();
    // Judged whether or not the publisher runs: an admin's stop does not lift the bet stop.
    this.liveness.step(() => publisherTrust(this.feedState(), this.failures.reason));
    await this.heartbeat();
    await this.reportStatus().catch(() => {});
  }

  /** Counts a failure and logs it when the streak starts or its reason changes (and every 30 s). */
  private failed(error: unknown, what: string): void {
    const reason = failureReason(error);
    const now = Date.now();
    if (this.failures.fail(reason, now)) {
      this.deps.log.error({ err: errorMessage(error), reason, failures: this.failures.count }, what);
    }
    const service = outageOf(error);
    if (service && this.leaderSince !== null) this.announce(this.outages.failed(service === "Postgres" ? "postgres" : "redis", reason, now));
  }

  /** A step succeeded, which proves `reached` reachable: ends the failure streak and their outages. */
  private succeeded(what: string, reached: Service[]): void {
    const now = Date.now();
    const ended = this.failures.succeed(now);
    if (ended) this.deps.log.info({ failures: ended.failures, ms: ended.ms }, what);
    this.announce(reached.flatMap((service) => this.outages.recovered(service, now)));
  }

  /** Tells the admins about outages, in order (a late Redis "down" before its "up"). */
  private announce(notices: OutageNotice[]): void {
    for (const notice of notices) {
      this.deps.log.info(notice, `admin event: ${notice.service} ${notice.state}`);
      this.notices.tell("outage", notice);
    }
  }

  /**
   * Takes up the lease just won: a fresh publisher for this term, and the admins told who led
   * before (the last leader's report names it; null when there is none, e.g. after Redis lost
   * its data). Read before this leader's first report overwrites it.
   */
  private async becomeLeader(): Promise<void> {
    const previous = await this.deps.redis.hget(KEYS.publisherStatus, "instanceId").catch(() => null);
    this.notices.tell("leader_changed", { instanceId: this.deps.config.instanceId.slice(0, 128), previous: previous ? previous.slice(0, 128) : null });
    this.leaderSince = Date.now();
    this.leadership = randomUUID();
    this.deps.metrics.leader.set(1);
    this.publisher = new Publisher({
      db: this.deps.db,
      redis: this.deps.redis,
      store: this.store,
      pricing: this.deps.config.pricing,
      token: () => this.lease.token,
      log: this.deps.log,
    });
    this.deps.log.info({ instanceId: this.deps.config.instanceId }, "became the leader");
  }

  private startTicking(intervalChanged: boolean): void {
    if (this.ticking) {
      if (intervalChanged) this.wake?.(); // start the next sleep afresh with the new interval
      return;
    }
    this.ticking = true;
    this.deps.log.info({ intervalMs: this.intervalMs }, "publisher running");
    this.tickLoop = this.loop();
  }

  private async stopTicking(): Promise<void> {
    if (!this.ticking) return;
    this.ticking = false;
    this.wake?.();
    await this.tickLoop;
    this.tickLoop = null;
    this.deps.log.info("publisher stopped");
    await this.reportStatus().catch(() => {});
  }

  private async loop(): Promise<void> {
    while (this.ticking && this.publisher) {
      const started = performance.now();
      let result: TickResult | null = null;
      let failure: Error | null = null;
      this.wokenDuringTick = false;
      try {
        result = await this.publisher.step();
        if (result.reconciled) this.deps.log.info({ events: result.events, changes: result.changes }, "reconciled the board with Redis");
        else this.deps.log.debug({ events: result.events, changes: result.changes, messages: result.messages }, "tick");
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
      }
      const duration = performance.now() - started;
      if (failure instanceof LeadershipLostError) {
        this.deps.log.warn({ err: failure.message }, "lost the lease mid-tick; nothing was written");
        this.lease.drop();
        this.ticking = false;
        this.requestControl();
        break;
      }
      // A seq conflict is Redis and memory disagreeing, which the next step reconciles: no outage.
      if (failure instanceof SeqConflictError) this.deps.log.warn({ err: failure.message }, "seq conflict; reconciling on the next step");
      else if (failure) {
        this.deps.metrics.tickFailures.inc();
        this.failed(failure, "tick failed; its changes stay queued and are retried");
      }
      if (result) {
        this.ticked(result, duration);
        await this.publishSummary(result.reconciled);
      }
      await this.reportStatus(result, failure !== null).catch(() => {});
      if (!this.wokenDuringTick) await this.sleep(this.nextDelay(duration));
    }
  }

  /**
   * Publishes the board's event counts when they changed (and after every reconcile, which also
   * follows a Redis that lost its data), so sport tabs follow the board.
   */
  private async publishSummary(force: boolean): Promise<void> {
    if (!this.publisher) return;
    const sports = this.publisher.summary();
    const json = JSON.stringify(sports);
    if (!force && json === this.summarySent) return;
    try {
      await this.store.publishSummary(sports, Date.now(), this.leadership);
      this.summarySent = json;
    } catch (error) {
      // The tick itself is committed; the counts go out after the next one.
      this.summarySent = null;
      this.deps.log.warn({ err: errorMessage(error) }, "could not publish the board summary; retrying after the next tick");
    }
  }

  /**
   * A successful step: its time and the queue it found, the lag of each delta it published (into
   * the status report's rings and the metrics), and the end of any failure streak.
   */
  private ticked(result: TickResult, durationMs: number): void {
    this.stats.record(durationMs);
    this.lastSuccessAt = Date.now();
    this.lastSuccessMs = durationMs;
    this.succeeded("ticks succeed again", ["postgres", "redis"]);
    this.deps.metrics.tick.observe({ kind: result.reconciled ? "reconcile" : "tick" }, durationMs / 1000);
    this.setQueueDepth(result.queued);
    for (const lagMs of result.originLagsMs) {
      // The origin is on the database's clock: a clock ahead of ours must not read as negative lag.
      const lag = Math.max(0, lagMs);
      this.lags.record(lag);
      this.deps.metrics.originLag.observe(lag / 1000);
    }
  }

  private setQueueDepth(depth: number | null): void {
    this.queueDepth = depth;
    this.deps.metrics.queueDepth.set(depth ?? 0);
  }

  /**
   * Counts the queue while no drain tells its depth (the publisher is stopped, or its ticks fail),
   * so a backlog shows while it builds up. In the background and one count at a time, so a slow
   * Postgres never delays the lease renewal or the heartbeat; a failed count keeps the last value
   * (the failure streak already reports Postgres).
   */
  private sampleQueue(): void {
    if (this.queueCount) return;
    this.queueCount = countQueued(this.deps.db)
      .then((depth) => {
        // A successful tick since the count began has said more recently what the queue holds.
        if (this.leaderSince !== null && (!this.ticking || this.failures.count > 0)) this.setQueueDepth(depth);
      })
      .catch(() => {})
      .finally(() => {
        this.queueCount = null;
      });
  }

  /**
   * The wait before the next step: the rest of the interval; after failures, a quick retry that
   * backs off (100 ms, 200 ms, … up to the interval), so one transient error does not hold queued
   * changes (priority ones included) for a whole interval.
   */
  private nextDelay(durationMs: number): number {
    const rest = Math.max(0, this.intervalMs - durationMs);
    return this.failures.count === 0 ? rest : Math.min(rest, 100 * 2 ** Math.min(this.failures.count - 1, 10));
  }

  /** Sleeps `ms`, or until `wake` is called (stop, a priority commit, a new interval). */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  /** Writes the leader's report: after each step (with its counts) and each control step. */
  private async reportStatus(result: TickResult | null = null, failed = false): Promise<void> {
    if (this.leaderSince === null) return;
    const tick = this.stats.summary();
    const lag = this.lags.summary();
    await writeStatus(
      this.deps.redis,
      {
        instanceId: this.deps.config.instanceId,
        leaderSince: this.leaderSince,
        desired: this.desired.state ?? "",
        intervalMs: this.intervalMs,
        running: this.ticking,
        reportedAt: Date.now(),
        lastTickAt: this.lastSuccessAt,
        lastTickMs: round(this.lastSuccessMs),
        tickP50Ms: round(tick.p50),
        tickP95Ms: round(tick.p95),
        tickP99Ms: round(tick.p99),
        tickMaxMs: round(tick.max),
        tickCount: this.stats.count,
        queueDepth: this.queueDepth,
        lagP50Ms: round(lag.p50),
        lagP95Ms: round(lag.p95),
        lagP99Ms: round(lag.p99),
        lagMaxMs: round(lag.max),
        lagCount: this.lags.count,
        failures: this.failures.count,
        failingSince: this.failures.since,
        failure: this.failures.reason,
      },
      {
        ticks: result ? 1 : 0,
        messages: result?.messages ?? 0,
        bytes: result?.bytes ?? 0,
        changes: result?.changes ?? 0,
        errors: failed ? 1 : 0,
      },
    );
  }

  /** Tells relays the feed is alive (or deliberately stopped), so they can flag silence as stale. */
  private async heartbeat(): Promise<void> {
    const source = await readSourceSummary(this.deps.redis);
    const now = Date.now();
    const message: FeedStatusMessage = { v: 1, type: "feed:status", status: this.feedState(), ts: now, intervalMs: this.intervalMs, heartbeatMs: this.controlEveryMs, ...(source ? { source } : {}), ...this.liveness.heartbeat(now) };
    await this.deps.redis.publish(CHANNELS.sportsOdds, JSON.stringify(message)).catch(() => {});
  }

  private feedState(): FeedState {
    if (this.desired.state === "stopped") return "stopped";
    if (this.desired.state === null || this.failures.count > 0) return "stale";
    return this.lastSuccessAt !== null && Date.now() - this.lastSuccessAt < freshWithinMs(this.intervalMs) ? "live" : "stale";
  }
}

/**
 * The external odds source's state for the heartbeat, or null when none reports (the simulator
 * writes no report; a poller's report expires seconds after its last write). A report that does
 * not parse counts as a stale source rather than a healthy one.
 */
async function readSourceSummary(redis: Redis): Promise<SourceSummary | null> {
  const raw = await redis.get(KEYS.sourceStatus).catch(() => null);
  if (raw === null) return null;
  const parsed = parseJson(SourceReport, raw);
  if (!parsed.ok) return { state: "stale", reason: "the odds source's report is unreadable" };
  return { state: parsed.message.state, reason: parsed.message.reason };
}

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 100) / 100;
}

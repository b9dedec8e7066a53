import type { Redis } from "ioredis";
import type { Db } from "../db";
import { errorMessage } from "../errors";
import type { Logger } from "../log";
import { CHANNELS, DEFAULT_HEARTBEAT_MS, type FeedState, type FeedStatusMessage, KEYS } from "../protocol";
import { type Desired, readDesired, writeStatus } from "./control";
import { LeaderLease } from "./leader";
import type { PricingConfig } from "./pricing";
import { LeadershipLostError, Publisher, SeqConflictError, type TickResult } from "./publisher";
import { PriorityListener } from "./priority-listener";
import { type HistoryLimits, StateStore } from "./state-store";
import { TickStats } from "./tick-stats";

export interface RunnerConfig {
  instanceId: string;
  leaderTtlMs: number;
  /** Interval when nothing is recorded in Redis yet. */
  defaultIntervalMs: number;
  /** Run when nothing is recorded in Redis yet. */
  autostart: boolean;
  history: HistoryLimits;
  pricing: PricingConfig;
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
}

/**
 * One publisher process: competes for the leader lease, follows the desired state in Redis and,
 * while it leads and the state says running, ticks every interval. Any number may run; exactly one
 * writes. A standby takes over when the leader's lease lapses (≤ leaderTtlMs) or at once when the
 * leader shuts down cleanly and releases it.
 */
export class PublisherRunner {
  private readonly lease: LeaderLease;
  private readonly store: StateStore;
  private readonly stats = new TickStats();
  private publisher: Publisher | null = null;
  private readonly priority: PriorityListener | null;
  /** A priority commit arrived while a tick was running: tick again at once after it. */
  private wokenDuringTick = false;
  /** Consecutive failed steps (0 after a success). */
  private failures = 0;
  private controlTimer: NodeJS.Timeout | null = null;
  private controlRun: Promise<void> | null = null;
  private controlAgain = false;
  private tickLoop: Promise<void> | null = null;
  private ticking = false;
  private wake: (() => void) | null = null;
  private intervalMs: number;
  private leaderSince: number | null = null;
  private lastSuccessAt: number | null = null;
  private desired: Desired["state"] = "stopped";
  private stopped = false;

  constructor(private readonly deps: RunnerDeps) {
    this.lease = new LeaderLease(deps.redis, deps.config.instanceId, deps.config.leaderTtlMs);
    this.store = new StateStore(deps.redis, deps.config.history);
    this.intervalMs = deps.config.defaultIntervalMs;
    this.priority = deps.databaseUrl ? new PriorityListener(deps.databaseUrl, () => this.tickNow(), deps.log) : null;
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
    await this.priority?.stop();
    await this.lease.release().catch(() => {});
    await this.deps.subscriber.unsubscribe(KEYS.publisherControl).catch(() => {});
  }

  /**
   * The control step's period, ms: renews the lease (three times per TTL) and sends the heartbeat,
   * so never slower than a second, whatever the lease, or relays would call a healthy feed stale.
   */
  private get controlEveryMs(): number {
    return Math.max(100, Math.min(DEFAULT_HEARTBEAT_MS, Math.floor(this.deps.config.leaderTtlMs / 3)));
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
    const leading = await this.lease.acquireOrRenew().catch((error: unknown) => {
      this.lease.drop();
      this.deps.log.warn({ err: errorMessage(error) }, "cannot reach Redis to hold the lease");
      return false;
    });
    if (!leading) {
      if (this.leaderSince !== null) this.deps.log.warn("no longer the leader; standing by");
      this.leaderSince = null;
      await this.stopTicking();
      return;
    }
    if (this.leaderSince === null) this.becomeLeader();
    const desired = await readDesired(this.deps.redis);
    this.desired = desired?.state ?? (this.deps.config.autostart ? "running" : "stopped");
    const intervalMs = desired?.intervalMs ?? this.deps.config.defaultIntervalMs;
    const intervalChanged = intervalMs !== this.intervalMs;
    this.intervalMs = intervalMs;
    if (this.desired === "running") this.startTicking(intervalChanged);
    else await this.stopTicking();
    await this.heartbeat();
  }

  private becomeLeader(): void {
    this.leaderSince = Date.now();
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
    await this.reportStatus(null, null).catch(() => {});
  }

  private async loop(): Promise<void> {
    while (this.ticking && this.publisher) {
      const started = performance.now();
      let result: TickResult | null = null;
      let failure: Error | null = null;
      this.wokenDuringTick = false;
      try {
        const reconciling = this.publisher.reconcileNeeded;
        result = await this.publisher.step();
        if (reconciling) this.deps.log.info({ events: result.events, changes: result.changes }, "reconciled the board with Redis");
        else this.deps.log.debug({ events: result.events, changes: result.changes, messages: result.messages }, "tick");
        this.lastSuccessAt = Date.now();
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
      }
      const duration = performance.now() - started;
      this.stats.record(duration);
      if (failure instanceof LeadershipLostError) {
        this.deps.log.warn({ err: failure.message }, "lost the lease mid-tick; nothing was written");
        this.lease.drop();
        this.ticking = false;
        this.requestControl();
        break;
      }
      if (failure instanceof SeqConflictError) this.deps.log.warn({ err: failure.message }, "seq conflict; reconciling on the next step");
      else if (failure) this.deps.log.error({ err: failure.message }, "tick failed; its changes stay queued and are retried");
      this.failures = failure ? this.failures + 1 : 0;
      await this.reportStatus(result, failure, duration).catch(() => {});
      if (!this.wokenDuringTick) await this.sleep(this.nextDelay(duration));
    }
  }

  /**
   * The wait before the next step: the rest of the interval; after failures, a quick retry that
   * backs off (100 ms, 200 ms, … up to the interval), so one transient error does not hold queued
   * changes (priority ones included) for a whole interval.
   */
  private nextDelay(durationMs: number): number {
    const rest = Math.max(0, this.intervalMs - durationMs);
    return this.failures === 0 ? rest : Math.min(rest, 100 * 2 ** Math.min(this.failures - 1, 10));
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

  private async reportStatus(result: TickResult | null, failure: Error | null, durationMs?: number): Promise<void> {
    if (this.leaderSince === null) return;
    await writeStatus(
      this.deps.redis,
      {
        instanceId: this.deps.config.instanceId,
        leaderSince: this.leaderSince,
        intervalMs: this.intervalMs,
        running: this.ticking,
        lastTickAt: durationMs === undefined ? null : Date.now(),
        lastTickMs: durationMs === undefined ? null : round(durationMs),
        tickP50Ms: round(this.stats.percentile(50)),
        tickP95Ms: round(this.stats.percentile(95)),
        tickP99Ms: round(this.stats.percentile(99)),
        tickMaxMs: round(this.stats.percentile(100)),
        tickCount: this.stats.count,
      },
      {
        ticks: durationMs === undefined ? 0 : 1,
        messages: result?.messages ?? 0,
        bytes: result?.bytes ?? 0,
        changes: result?.changes ?? 0,
        errors: failure ? 1 : 0,
      },
      failure ? { message: failure.message.slice(0, 500), at: Date.now() } : undefined,
    );
  }

  /** Tells relays the feed is alive (or deliberately stopped), so they can flag silence as stale. */
  private async heartbeat(): Promise<void> {
    const message: FeedStatusMessage = { v: 1, type: "feed:status", status: this.feedState(), ts: Date.now(), intervalMs: this.intervalMs, heartbeatMs: this.controlEveryMs };
    await this.deps.redis.publish(CHANNELS.sportsOdds, JSON.stringify(message)).catch(() => {});
  }

  private feedState(): FeedState {
    if (this.desired === "stopped") return "stopped";
    const healthyWithin = Math.max(3 * this.intervalMs, 2_000);
    return this.lastSuccessAt !== null && Date.now() - this.lastSuccessAt < healthyWithin ? "live" : "stale";
  }
}

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 100) / 100;
}

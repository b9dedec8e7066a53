import type { Redis } from "ioredis";
import type { Db } from "../db";
import { errorMessage } from "../errors";
import type { Logger } from "../log";
import { KEYS } from "../protocol";
import { type AdminNotices, adminNoticesOn } from "./admin-notices";
import { BoardSummary } from "./board-summary";
import { type CommitKind, CommitListener } from "./commit-listener";
import type { TickResult } from "./committer";
import { DesiredFollower } from "./desired";
import { type FeedView, feedState, sendHeartbeat } from "./heartbeat";
import { Incidents } from "./incidents";
import { LeaderTerm, controlPeriodMs } from "./leader-term";
import type { PublisherMetrics } from "./metrics";
import type { PricingConfig } from "./pricing";
import { type LivenessConfig, ProducerLiveness, publisherTrust } from "./producer-liveness";
import { type HistoryLimits, StateStore } from "./state-store";
import { StatusReporter, type StatusView } from "./status-reporter";
import { TickLoop } from "./tick-loop";

export interface RunnerConfig {
  instanceId: string;
  leaderTtlMs: number;
  /** Interval when no admin has set one yet. */
  defaultIntervalMs: number;
  /** Run when no admin has started or stopped the publisher yet. */
  autostart: boolean;
  /** Step as soon as changes commit; false: only priority commits cut the interval short. */
  onCommit: boolean;
  history: HistoryLimits;
  pricing: PricingConfig;
  /** The producer to watch and its silence limit (docs/publisher.md, "Producer liveness"). */
  liveness: Omit<LivenessConfig, "instanceId">;
}

export interface RunnerDeps {
  db: Db;
  /** For the LISTEN connection that hears commits (null: steps on the interval only, e.g. in unit tests). */
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
 * Postgres) and, while it leads and the decision says running, ticks every interval. Any number
 * may run; exactly one writes. A standby takes over when the leader's lease lapses (≤ leaderTtlMs)
 * or at once when the leader shuts down cleanly and releases it.
 *
 * This class wires the parts and runs the control step (every `controlPeriodMs`, and at once on a
 * `publisher:control` message): hold the lease (`LeaderTerm`), follow the decision
 * (`DesiredFollower`) by starting or stopping the `TickLoop`, judge the producer
 * (`ProducerLiveness`), send the heartbeat and write the report (`StatusReporter`). What fails
 * and recovers goes through `Incidents`; admin events through `AdminNotices`.
 */
export class PublisherRunner {
  private readonly term: LeaderTerm;
  private readonly notices: AdminNotices;
  private readonly incidents: Incidents;
  /** The admin's decision as last read from Postgres (read in the background while leading). */
  private readonly desired: DesiredFollower;
  private readonly ticks: TickLoop;
  private readonly reporter: StatusReporter;
  private readonly summary: BoardSummary;
  /** The expected producer's liveness, the trust record and the bet stop, judged while leading. */
  private readonly liveness: ProducerLiveness;
  private readonly commits: CommitListener | null;
  private controlTimer: NodeJS.Timeout | null = null;
  private controlRun: Promise<void> | null = null;
  private controlAgain = false;
  private stopped = false;

  constructor(private readonly deps: RunnerDeps) {
    const { config, db, redis, log, metrics } = deps;
    const store = new StateStore(redis, config.history);
    this.notices = adminNoticesOn(redis, log);
    const { instanceId, leaderTtlMs, pricing } = config;
    this.term = new LeaderTerm({ db, redis, store, pricing, instanceId, leaderTtlMs, log, metrics, notices: this.notices });
    this.incidents = new Incidents(this.notices, () => this.term.leading, log);
    this.reporter = new StatusReporter(redis, db, metrics);
    this.summary = new BoardSummary(store, log);
    this.ticks = new TickLoop(
      config.defaultIntervalMs,
      {
        publisher: () => this.term.publisher,
        failures: () => this.incidents.streak.count,
        failed: (error) => {
          metrics.tickFailures.inc();
          this.incidents.failed(error, "tick failed; its changes stay queued and are retried");
        },
        stepped: (result, durationMs, failed) => this.stepped(result, durationMs, failed),
        leaseLost: () => {
          this.term.drop();
          this.requestControl();
        },
      },
      log,
    );
    this.liveness = new ProducerLiveness(
      { db, redis, log, token: () => this.term.token, tell: (notice) => this.notices.tell(notice.kind, notice.data) },
      { instanceId: config.instanceId, ...config.liveness },
    );
    this.commits = deps.databaseUrl ? new CommitListener(deps.databaseUrl, (kind) => this.committed(kind), log) : null;
    this.desired = new DesiredFollower(
      db,
      { intervalMs: config.defaultIntervalMs, autostart: config.autostart },
      {
        changed: () => this.requestControl(),
        // While running, a failure streak ends with a successful tick; while stopped, reading is all we do.
        read: () => {
          if (this.desired.state === "stopped") this.incidents.succeeded("the desired state can be read again", ["postgres"]);
        },
        failed: (error) => this.incidents.failed(error, "cannot read the desired state; keeping the last one read"),
      },
    );
  }

  async start(): Promise<void> {
    this.deps.subscriber.on("message", (channel: string) => {
      if (channel === KEYS.publisherControl) this.requestControl();
    });
    await this.deps.subscriber.subscribe(KEYS.publisherControl);
    await this.commits?.start();
    this.controlTimer = setInterval(() => this.requestControl(), controlPeriodMs(this.deps.config.leaderTtlMs));
    this.requestControl();
    await this.controlRun;
  }

  /** Stops ticking, waits for the tick in flight, and hands the lease over. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.controlTimer) clearInterval(this.controlTimer);
    await this.controlRun;
    await this.stopTicking();
    await this.reporter.settled();
    await this.desired.settled();
    await this.liveness.settled();
    await this.commits?.stop();
    await this.notices.flush();
    await this.term.release();
    await this.deps.subscriber.unsubscribe(KEYS.publisherControl).catch(() => {});
  }

  /** Changes committed: step now rather than at the end of the interval (no-op unless ticking). */
  committed(kind: CommitKind): void {
    if (kind === "change" && !this.deps.config.onCommit) return;
    this.ticks.commit(kind);
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

  /** One control step: the lease, the decision, the queue count, the producer, the heartbeat and the report. */
  private async control(): Promise<void> {
    if (!(await this.holdLease())) {
      this.term.end();
      this.reporter.setQueueDepth(null);
      this.liveness.reset();
      await this.stopTicking();
      return;
    }
    if (!this.term.leading) await this.term.begin();
    this.desired.refresh(); // acts through `changed` when the decision moved
    const intervalChanged = this.desired.intervalMs !== this.ticks.intervalMs;
    this.ticks.intervalMs = this.desired.intervalMs;
    if (this.desired.state === "running") this.ticks.start(intervalChanged);
    else await this.stopTicking();
    if (this.drainsUnseen()) this.reporter.sampleQueue(() => this.term.leading && this.drainsUnseen());
    // Judged whether or not the publisher runs: an admin's stop does not lift the bet stop.
    this.liveness.step(() => publisherTrust(feedState(this.feedView(), Date.now()), this.incidents.streak.reason));
    await sendHeartbeat(this.deps.redis, () => this.feedView(), controlPeriodMs(this.deps.config.leaderTtlMs), this.liveness);
    await this.report();
  }

  /**
   * Renews or takes the lease: whether this process leads. When Redis answers, a Redis outage
   * this process saw is over and can at last be told, and what no relay heard yet (they subscribe
   * again after Redis is back) is offered again.
   */
  private async holdLease(): Promise<boolean> {
    let leading: boolean;
    try {
      leading = await this.term.hold();
    } catch (error) {
      this.deps.log.warn({ err: errorMessage(error) }, "cannot reach Redis to hold the lease");
      this.incidents.redisFailed(error);
      return false;
    }
    this.incidents.redisAnswered();
    void this.notices.flush();
    return leading;
  }

  /** After each step of the tick loop: the numbers, the board summary, the report. */
  private async stepped(result: TickResult | null, durationMs: number, failed: boolean): Promise<void> {
    if (result) {
      this.reporter.ticked(result, durationMs);
      this.incidents.succeeded("ticks succeed again", ["postgres", "redis"]);
      const publisher = this.term.publisher;
      if (publisher) {
        const counts = publisher.summary();
        this.term.boardHas(counts.map((count) => count.sport));
        await this.summary.publish(counts, this.term.id, result.reconciled);
      }
    }
    await this.report(result, failed);
  }

  private async stopTicking(): Promise<void> {
    if (await this.ticks.stop()) await this.report();
  }

  /** Writes the leader's report (a standby writes none); a failure to write is ignored. */
  private async report(result: TickResult | null = null, failed = false): Promise<void> {
    const leaderSince = this.term.since;
    if (leaderSince === null) return;
    const view: StatusView = {
      instanceId: this.deps.config.instanceId,
      leaderSince,
      desired: this.desired.state,
      intervalMs: this.ticks.intervalMs,
      running: this.ticks.running,
      failures: this.incidents.streak,
    };
    await this.reporter.write(view, result, failed).catch(() => {});
  }

  /** No successful drain says how deep the queue is: not ticking, or ticks fail. */
  private drainsUnseen(): boolean {
    return !this.ticks.running || this.incidents.streak.count > 0;
  }

  private feedView(): FeedView {
    return { desired: this.desired.state, failing: this.incidents.streak.count > 0, lastTickAt: this.reporter.lastTickAt, intervalMs: this.ticks.intervalMs };
  }
}

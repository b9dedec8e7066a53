import type { Redis } from "ioredis";
import type { Db } from "../db";
import { countQueued } from "./change-capture";
import type { TickResult } from "./committer";
import { type DesiredState, writeStatus } from "./control";
import type { FailureStreak } from "./failures";
import type { PublisherMetrics } from "./metrics";
import { TickStats } from "./tick-stats";

/** The leader's situation as the report states it, beside the numbers the reporter keeps. */
export interface StatusView {
  instanceId: string;
  /** When this term began, ms since epoch. */
  leaderSince: number;
  /** The decision followed (null: not read yet). */
  desired: DesiredState | null;
  intervalMs: number;
  /** Ticking now. */
  running: boolean;
  failures: Pick<FailureStreak, "count" | "since" | "reason">;
}

/**
 * The leader's numbers and its report (`publisher:status`, docs/publisher.md, "Control" and
 * "Metrics"): the last successful step, step durations and commit → publish lags as percentiles
 * over the recent ones, and the change queue's depth, mirrored into this process's metrics.
 */
export class StatusReporter {
  private readonly stats = new TickStats();
  /** Commit → publish lags of the recent deltas, ms (reported as percentiles, like step durations). */
  private readonly lags = new TickStats();
  /** Captured changes waiting, as last seen (null until this leader has seen any). */
  private queueDepth: number | null = null;
  /** The count of the queue in flight while not ticking (one at a time). */
  private queueCount: Promise<void> | null = null;
  /** When the last successful step ended, ms since epoch. */
  lastTickAt: number | null = null;
  /** How long the last successful step took, ms. */
  private lastTickMs: number | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly db: Db,
    private readonly metrics: Pick<PublisherMetrics, "tick" | "originLag" | "queueDepth">,
  ) {}

  /** A successful step: its time, the queue it found, and the lag of each delta it published. */
  ticked(result: TickResult, durationMs: number): void {
    this.stats.record(durationMs);
    this.lastTickAt = Date.now();
    this.lastTickMs = durationMs;
    this.metrics.tick.observe({ kind: result.reconciled ? "reconcile" : "tick" }, durationMs / 1000);
    this.setQueueDepth(result.queued);
    for (const lagMs of result.originLagsMs) {
      // The origin is on the database's clock: a clock ahead of ours must not read as negative lag.
      const lag = Math.max(0, lagMs);
      this.lags.record(lag);
      this.metrics.originLag.observe(lag / 1000);
    }
  }

  /** The queue's depth as last seen (null: unknown, e.g. on a standby). */
  setQueueDepth(depth: number | null): void {
    this.queueDepth = depth;
    this.metrics.queueDepth.set(depth ?? 0);
  }

  /**
   * Counts the queue while no drain tells its depth (the publisher is stopped, or its ticks fail),
   * so a backlog shows while it builds up. In the background and one count at a time, so a slow
   * Postgres never delays the lease renewal or the heartbeat; a failed count keeps the last value
   * (the failure streak already reports Postgres). `wanted` is asked again when the count is in:
   * a successful tick since it began has said more recently what the queue holds.
   */
  sampleQueue(wanted: () => boolean): void {
    if (this.queueCount) return;
    this.queueCount = countQueued(this.db)
      .then((depth) => {
        if (wanted()) this.setQueueDepth(depth);
      })
      .catch(() => {})
      .finally(() => {
        this.queueCount = null;
      });
  }

  /** Resolves when the count in flight (if any) is over. */
  async settled(): Promise<void> {
    await this.queueCount;
  }

  /** Writes the report, adding the step's counts (`result`, and whether it failed) to the totals. */
  async write(view: StatusView, result: TickResult | null = null, failed = false): Promise<void> {
    const tick = this.stats.summary();
    const lag = this.lags.summary();
    await writeStatus(
      this.redis,
      {
        instanceId: view.instanceId,
        leaderSince: view.leaderSince,
        desired: view.desired ?? "",
        intervalMs: view.intervalMs,
        running: view.running,
        reportedAt: Date.now(),
        lastTickAt: this.lastTickAt,
        lastTickMs: round(this.lastTickMs),
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
        failures: view.failures.count,
        failingSince: view.failures.since,
        failure: view.failures.reason,
      },
      { ticks: result ? 1 : 0, messages: result?.messages ?? 0, bytes: result?.bytes ?? 0, changes: result?.changes ?? 0, errors: failed ? 1 : 0 },
    );
  }
}

/** Two decimals, as the report shows durations. */
function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 100) / 100;
}

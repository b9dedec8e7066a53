import type { Logger } from "../log";
import type { CommitKind } from "./commit-listener";
import { LeadershipLostError, SeqConflictError, type TickResult } from "./committer";

/** What the loop asks of the rest of the process. */
export interface TickLoopHooks {
  /** The term's publisher (null: this process has not led yet). */
  publisher(): { step(): Promise<TickResult> } | null;
  /** Consecutive failed steps so far, for the retry's backoff. */
  failures(): number;
  /** A step failed (not a seq conflict, not a lost lease): count it. */
  failed(error: Error): void;
  /** A step ended, successful (`result`) or not; the loop sleeps once this resolves. */
  stepped(result: TickResult | null, durationMs: number, failed: boolean): Promise<void>;
  /** A commit found another instance's token: ticking has stopped; give the lease up and look again. */
  leaseLost(): void;
}

/**
 * The shortest time between the starts of two steps that commits woke, ms: commits that land
 * within it go out together, in one delta per sport, and a stream of commits costs at most a
 * hundred steps a second.
 */
export const COALESCE_MS = 10;

/**
 * The tick loop: while running, one publisher step as soon as changes commit (`commit`, from the
 * LISTEN connection), at most one every COALESCE_MS, and at least one every `intervalMs` (which
 * catches whatever a lost notification missed). A priority commit (a suspension, a score) steps
 * at once. Changes a sport's delta budget held back are due after `TickResult.heldMs`. A failed
 * step is retried quickly and backs off (100 ms, 200 ms, … up to the interval), and commits do not
 * cut that wait short, so one transient error neither holds queued changes for a whole interval
 * nor spins. A seq conflict is Redis and memory disagreeing, which the next step reconciles: it
 * is logged, not counted as a failure.
 */
export class TickLoop {
  /** ms between the starts of two steps at most (from the admin's decision). */
  intervalMs: number;
  private ticking = false;
  private loop: Promise<void> | null = null;
  /** The sleep between steps, while one runs: ends it now, or sooner than planned. */
  private sleeping: { wake: () => void; shorten: (ms: number) => void } | null = null;
  /** A commit arrived since the last step started: what kind (priority wins). */
  private pending: CommitKind | null = null;
  /** When the last step started (performance.now()). */
  private lastStart = Number.NEGATIVE_INFINITY;

  constructor(
    intervalMs: number,
    private readonly hooks: TickLoopHooks,
    private readonly log: Logger,
  ) {
    this.intervalMs = intervalMs;
  }

  /** Whether the loop runs. */
  get running(): boolean {
    return this.ticking;
  }

  /** Starts the loop; when it runs already, a new interval starts the next sleep afresh. */
  start(intervalChanged: boolean): void {
    if (this.ticking) {
      if (intervalChanged) this.sleeping?.wake();
      return;
    }
    this.ticking = true;
    this.log.info({ intervalMs: this.intervalMs }, "publisher running");
    this.loop = this.run();
  }

  /** Stops the loop and waits for the step in flight. Resolves to whether it was running. */
  async stop(): Promise<boolean> {
    if (!this.ticking) return false;
    this.ticking = false;
    this.sleeping?.wake();
    await this.loop;
    this.loop = null;
    this.log.info("publisher stopped");
    return true;
  }

  /** Changes committed: step as soon as the coalescing gap allows (no-op unless running). */
  commit(kind: CommitKind): void {
    if (!this.ticking) return;
    if (kind === "priority") this.log.debug({ sleeping: this.sleeping !== null }, "priority commit");
    this.pending = kind === "priority" || this.pending === "priority" ? "priority" : "change";
    if (this.hooks.failures() === 0) this.sleeping?.shorten(this.commitDelay());
  }

  private async run(): Promise<void> {
    for (let publisher = this.hooks.publisher(); this.ticking && publisher; publisher = this.hooks.publisher()) {
      const started = performance.now();
      this.lastStart = started;
      this.pending = null;
      const { result, failure } = await this.attempt(publisher);
      const duration = performance.now() - started;
      if (failure instanceof LeadershipLostError) {
        this.log.warn({ err: failure.message }, "lost the lease mid-tick; nothing was written");
        this.ticking = false;
        this.hooks.leaseLost();
        break;
      }
      if (failure instanceof SeqConflictError) this.log.warn({ err: failure.message }, "seq conflict; reconciling on the next step");
      else if (failure) this.hooks.failed(failure);
      await this.hooks.stepped(result, duration, failure !== null);
      if (this.ticking) await this.sleep(this.nextDelay(duration, result));
    }
  }

  /** One publisher step, its result or why it failed. */
  private async attempt(publisher: { step(): Promise<TickResult> }): Promise<{ result: TickResult | null; failure: Error | null }> {
    try {
      const result = await publisher.step();
      if (result.reconciled) this.log.info({ events: result.events, changes: result.changes }, "reconciled the board with Redis");
      else this.log.debug({ events: result.events, changes: result.changes, messages: result.messages }, "tick");
      return { result, failure: null };
    } catch (error) {
      return { result: null, failure: error instanceof Error ? error : new Error(String(error)) };
    }
  }

  /**
   * The wait before the next step, ms: the rest of the interval, or less when commits arrived
   * during the step or held changes fall due; after failures, the backoff alone.
   */
  private nextDelay(durationMs: number, result: TickResult | null): number {
    const rest = Math.max(0, this.intervalMs - durationMs);
    const failures = this.hooks.failures();
    if (failures > 0) return Math.min(rest, 100 * 2 ** Math.min(failures - 1, 10));
    let delay = rest;
    if (result?.heldMs != null) delay = Math.min(delay, result.heldMs);
    if (this.pending) delay = Math.min(delay, this.commitDelay());
    return delay;
  }

  /** ms until a step for the pending commit may start: at once for a priority one, else COALESCE_MS after the last start. */
  private commitDelay(): number {
    return this.pending === "priority" ? 0 : Math.max(0, this.lastStart + COALESCE_MS - performance.now());
  }

  /** Sleeps `ms`, or less: until `wake` (stop, a new interval) or the time `shorten` sets, if sooner. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      let due = performance.now() + ms;
      let timer: NodeJS.Timeout;
      const done = () => {
        clearTimeout(timer);
        this.sleeping = null;
        resolve();
      };
      timer = setTimeout(done, ms);
      const shorten = (sooner: number) => {
        if (performance.now() + sooner >= due) return;
        due = performance.now() + sooner;
        clearTimeout(timer);
        timer = setTimeout(done, sooner);
      };
      this.sleeping = { wake: done, shorten };
    });
  }
}

import type { Logger } from "../log";
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
 * The tick loop: while running, one publisher step every `intervalMs`, or at once after a priority
 * commit. A failed step is retried quickly and backs off (100 ms, 200 ms, … up to the interval),
 * so one transient error does not hold queued changes (priority ones included) for a whole
 * interval. A seq conflict is Redis and memory disagreeing, which the next step reconciles: it is
 * logged, not counted as a failure.
 */
export class TickLoop {
  /** ms between the starts of two steps (from the admin's decision). */
  intervalMs: number;
  private ticking = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  /** A priority commit arrived while a step was running: step again at once after it. */
  private wokenDuringTick = false;

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
      if (intervalChanged) this.wake?.();
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
    this.wake?.();
    await this.loop;
    this.loop = null;
    this.log.info("publisher stopped");
    return true;
  }

  /** A priority commit: step now rather than at the end of the interval (no-op unless running). */
  nudge(): void {
    this.log.debug({ ticking: this.ticking, sleeping: this.wake !== null }, "priority commit");
    if (!this.ticking) return;
    if (this.wake) this.wake();
    else this.wokenDuringTick = true;
  }

  private async run(): Promise<void> {
    for (let publisher = this.hooks.publisher(); this.ticking && publisher; publisher = this.hooks.publisher()) {
      const started = performance.now();
      this.wokenDuringTick = false;
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
      if (!this.wokenDuringTick) await this.sleep(this.nextDelay(duration));
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

  /** The wait before the next step, ms: the rest of the interval, or the backoff after failures. */
  private nextDelay(durationMs: number): number {
    const rest = Math.max(0, this.intervalMs - durationMs);
    const failures = this.hooks.failures();
    return failures === 0 ? rest : Math.min(rest, 100 * 2 ** Math.min(failures - 1, 10));
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
}

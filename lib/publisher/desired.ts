import type { Db } from "../db";
import { type DesiredState, readDesired } from "./control";

export interface DesiredDefaults {
  /** Interval when no admin has set one. */
  intervalMs: number;
  /** Run when no admin has started or stopped the publisher. */
  autostart: boolean;
}

export interface DesiredHooks {
  /** The decision or the interval moved: act on it now. */
  changed(): void;
  /** A read succeeded (whether or not anything moved). */
  read(): void;
  /** A read failed; the last decision read stays in force. */
  failed(error: unknown): void;
}

/**
 * The admin's decision as this process last read it from Postgres. Reads run in the background,
 * one at a time, so a slow or unreachable Postgres never holds up the control step that renews
 * the lease and sends the heartbeat; a read that finds something new calls `changed`.
 */
export class DesiredFollower {
  /** null until the first successful read: nothing should run on a decision nobody has read. */
  state: DesiredState | null = null;
  intervalMs: number;
  private reading: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly defaults: DesiredDefaults,
    private readonly hooks: DesiredHooks,
  ) {
    this.intervalMs = defaults.intervalMs;
  }

  /** Starts a read unless one is in flight. */
  refresh(): void {
    this.reading ??= this.read().finally(() => {
      this.reading = null;
    });
  }

  /** Resolves when the read in flight (if any) is over. */
  async settled(): Promise<void> {
    await this.reading;
  }

  private async read(): Promise<void> {
    let recorded: Awaited<ReturnType<typeof readDesired>>;
    try {
      recorded = await readDesired(this.db);
    } catch (error) {
      this.hooks.failed(error);
      return;
    }
    const state = recorded?.state ?? (this.defaults.autostart ? "running" : "stopped");
    const intervalMs = recorded?.intervalMs ?? this.defaults.intervalMs;
    const moved = state !== this.state || intervalMs !== this.intervalMs;
    this.state = state;
    this.intervalMs = intervalMs;
    this.hooks.read();
    if (moved) this.hooks.changed();
  }
}

import { type RedisGet, type SportsSummary, readSummary, supersedes } from "../lib/protocol";

/**
 * The board's event counts per sport as the publisher last published them: loaded from Redis at
 * start and after the bus reconnects (a relay that joins late or missed a message), then kept by
 * the `sports:summary` messages. Only a newer summary replaces the held one (`supersedes`).
 */
export class BoardSummary {
  private held: SportsSummary | null = null;

  constructor(private readonly onChange: (summary: SportsSummary) => void) {}

  current(): SportsSummary | null {
    return this.held;
  }

  /** Takes `summary` if it supersedes the one held; tells `onChange` when it does. */
  offer(summary: SportsSummary): boolean {
    if (!supersedes(summary, this.held)) return false;
    this.held = summary;
    this.onChange(summary);
    return true;
  }

  /** Reads the last published summary from Redis (a failure keeps what is held). */
  async load(redis: RedisGet): Promise<void> {
    const stored = await readSummary(redis).catch(() => null);
    if (stored) this.offer(stored);
  }
}

import type { Logger } from "../log";
import type { SportCount } from "../protocol";
import { errorMessage } from "../errors";

/** Where a summary goes (`StateStore.publishSummary`). */
export interface SummaryChannel {
  publishSummary(sports: SportCount[], ts: number, leader: string): Promise<void>;
}

/**
 * The board's event counts per sport (`sports:summary`), published after a step when they
 * changed, and after every reconcile (which also follows a Redis that lost its data), so sport
 * tabs follow the board.
 */
export class BoardSummary {
  /** The summary last published (JSON), to publish only changes; null: publish the next one. */
  private sent: string | null = null;

  constructor(
    private readonly channel: SummaryChannel,
    private readonly log: Pick<Logger, "warn">,
  ) {}

  /** Publishes `sports` for the term `leadership` unless it is what went out last (`force`: even then). */
  async publish(sports: SportCount[], leadership: string, force: boolean): Promise<void> {
    const json = JSON.stringify(sports);
    if (!force && json === this.sent) return;
    try {
      await this.channel.publishSummary(sports, Date.now(), leadership);
      this.sent = json;
    } catch (error) {
      // The step itself is committed; the counts go out after the next one.
      this.sent = null;
      this.log.warn({ err: errorMessage(error) }, "could not publish the board summary; retrying after the next tick");
    }
  }
}

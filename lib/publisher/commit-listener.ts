import pg from "pg";
import { errorMessage } from "../errors";
import type { Logger } from "../log";

/** The channel the priority triggers notify (prisma/migrations/*_durable_seq_and_priority). */
export const PRIORITY_CHANNEL = "odds_priority";
/** The channel every write to the change queue notifies (prisma/migrations/*_notify_changes). */
export const CHANGES_CHANNEL = "odds_changed";

/** What a commit was: a priority one (a status, phase, score or market status moved), or any other change. */
export type CommitKind = "priority" | "change";

/**
 * Listens on a dedicated Postgres connection for commits that queued changes, and for priority
 * commits (an event going live, suspended or ended, a score, a market suspended), and calls
 * `onCommit` for each, so the publisher steps at once instead of at the end of its interval.
 * Postgres delivers a notification when its writer commits. Reconnects by itself; while
 * disconnected, changes still go out on the next regular step, just not at once.
 */
export class CommitListener {
  private client: pg.Client | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;
  private attempt = 0;

  constructor(
    private readonly databaseUrl: string,
    private readonly onCommit: (kind: CommitKind) => void,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    await this.client?.end().catch(() => {});
    this.client = null;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on("notification", (message) => {
      if (message.channel === PRIORITY_CHANNEL) this.onCommit("priority");
      else if (message.channel === CHANGES_CHANNEL) this.onCommit("change");
    });
    client.on("error", () => this.reconnect(client));
    client.on("end", () => this.reconnect(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${PRIORITY_CHANNEL}; LISTEN ${CHANGES_CHANNEL}`);
      this.client = client;
      if (this.attempt > 0) this.log.info("listening for commits again");
      this.attempt = 0;
    } catch (error) {
      if (this.attempt === 0) this.log.warn({ err: errorMessage(error) }, "cannot listen for commits; retrying");
      this.reconnect(client);
    }
  }

  private reconnect(client: pg.Client): void {
    if (this.stopped || this.retry || (this.client !== null && this.client !== client)) return;
    this.client = null;
    client.end().catch(() => {});
    this.attempt += 1;
    this.retry = setTimeout(
      () => {
        this.retry = null;
        void this.connect();
      },
      Math.min(5_000, 200 * 2 ** Math.min(this.attempt, 5)),
    );
  }
}

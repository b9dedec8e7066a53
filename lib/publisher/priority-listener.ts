import pg from "pg";
import { errorMessage } from "../errors";
import type { Logger } from "../log";

/** The channel the priority triggers notify (prisma/migrations/*_durable_seq_and_priority). */
export const PRIORITY_CHANNEL = "odds_priority";

/**
 * Listens for priority commits (an event going live, suspended or ended, a score, a market
 * suspended) on a dedicated Postgres connection and calls `onPriority` for each, so the publisher
 * ticks at once. Reconnects by itself; while disconnected, changes still go out on the next
 * regular tick, just not early.
 */
export class PriorityListener {
  private client: pg.Client | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;
  private attempt = 0;

  constructor(
    private readonly databaseUrl: string,
    private readonly onPriority: () => void,
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
      if (message.channel === PRIORITY_CHANNEL) this.onPriority();
    });
    client.on("error", () => this.reconnect(client));
    client.on("end", () => this.reconnect(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${PRIORITY_CHANNEL}`);
      this.client = client;
      if (this.attempt > 0) this.log.info("listening for priority events again");
      this.attempt = 0;
    } catch (error) {
      if (this.attempt === 0) this.log.warn({ err: errorMessage(error) }, "cannot listen for priority events; retrying");
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

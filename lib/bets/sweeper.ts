import type { Redis } from "ioredis";
import type { Db } from "../db";
import { errorMessage } from "../errors";
import type { Logger } from "../log";
import { tellSettled } from "./notify";
import { settlePending } from "./settlement";

/**
 * Settles, every few seconds, the bets of events that are over however they ended (an odds
 * source's final score, an admin, a script). Settling is idempotent, so any number of processes
 * may sweep; the publisher processes do.
 */
export class SettlementSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private failing = false;

  constructor(
    private readonly db: Db,
    private readonly redis: Redis,
    private readonly log: Logger,
    private readonly everyMs = 5_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sweep(), this.everyMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One pass (skipped while the previous one runs). */
  sweep(): Promise<void> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<void> {
    try {
      const settled = await settlePending(this.db);
      if (settled.length) this.log.info({ bets: settled.length }, "settled the bets of finished events");
      await tellSettled(this.redis, settled);
      if (this.failing) this.log.info("settlement sweep works again");
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.log.warn({ err: errorMessage(error) }, "settlement sweep failed; retrying");
      this.failing = true;
    }
  }
}

import type { Redis } from "ioredis";
import type { Db } from "../db";
import { errorMessage } from "../errors";
import type { Logger } from "../log";
import { KEYS, SportCatalogue, type SportInfo, parseJson } from "../protocol";

/** How often the leader rereads the catalogue, ms: a sport added or switched off shows within this. */
export const CATALOGUE_REFRESH_MS = 30_000;

/**
 * Keeps the active sports (`odds:catalogue`) in Redis for the web app, so listing sports reads no
 * Postgres per request. The leader reads the catalogue when its term begins and every
 * {@link CATALOGUE_REFRESH_MS}; Redis is written only when the list changed (or was lost).
 * Best effort: a failure is logged and retried on the next refresh.
 */
export class SportCatalogueWriter {
  /** When the catalogue was last read, ms since epoch (-Infinity: never, or the last attempt failed). */
  private readAt = Number.NEGATIVE_INFINITY;
  /** The sport keys last read (null: none read yet). */
  private keys: ReadonlySet<string> | null = null;
  /** Board sports the catalogue lacked, each of which had it read again once (an inactive sport stays out). */
  private readonly chased = new Set<string>();
  private running: Promise<void> | null = null;

  constructor(
    private readonly readSports: () => Promise<SportInfo[]>,
    private readonly redis: Pick<Redis, "get" | "set">,
    private readonly log: Pick<Logger, "warn">,
    private readonly refreshMs = CATALOGUE_REFRESH_MS,
  ) {}

  /** Rereads and stores the catalogue when due (`force`: now). Never throws; one refresh at a time. */
  refresh(now: number, force = false): Promise<void> {
    if (this.running || (!force && now - this.readAt < this.refreshMs)) return this.running ?? Promise.resolve();
    this.readAt = now;
    this.running = this.write(now)
      .catch((error: unknown) => {
        this.readAt = Number.NEGATIVE_INFINITY;
        this.log.warn({ err: errorMessage(error) }, "could not store the sport catalogue; retrying on the next control step");
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  /**
   * The board now holds `sports`: a sport the catalogue lacks (a source that just added it) has the
   * catalogue read again at once, rather than within the refresh period, so pages can show it. Once
   * per such sport: one that is still missing after that (switched off) waits for the refresh.
   */
  boardHas(sports: readonly string[], now: number): Promise<void> {
    const keys = this.keys;
    const missing = keys === null ? [] : sports.filter((sport) => !keys.has(sport) && !this.chased.has(sport));
    if (missing.length === 0) return this.running ?? Promise.resolve();
    for (const sport of missing) this.chased.add(sport);
    return this.refresh(now, true);
  }

  private async write(now: number): Promise<void> {
    const sports = await this.readSports();
    this.keys = new Set(sports.map((sport) => sport.key));
    const stored = await this.redis.get(KEYS.sportsCatalogue);
    const held = stored === null ? null : parseJson(SportCatalogue, stored);
    if (held?.ok && JSON.stringify(held.message.sports) === JSON.stringify(sports)) return;
    const message: SportCatalogue = { v: 1, type: "sports:catalogue", ts: now, sports };
    await this.redis.set(KEYS.sportsCatalogue, JSON.stringify(message));
  }
}

/** The active sports of the catalogue, by group then title: what `odds:catalogue` holds. */
export function activeSports(db: Db): Promise<SportInfo[]> {
  return db.sport.findMany({
    where: { active: true },
    select: { key: true, title: true, group: true, isEsports: true },
    orderBy: [{ group: "asc" }, { title: "asc" }],
  });
}

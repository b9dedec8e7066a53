import type { Redis } from "ioredis";
import type { Db } from "@/lib/db";
import { ESPORTS_SPORT_KEY, KEYS, SportCatalogue, type SportListing, type SportsSummary, SportsSummaryMessage, parseJson } from "@/lib/protocol";

/** The sports list and the summary it was counted from (null when read from Postgres). */
export interface SportsRead {
  sports: SportListing[];
  summary: SportsSummary | null;
  /** Where the answer came from: the publisher's state in Redis, or Postgres while the publisher has written none. */
  source: "redis" | "postgres";
}

/** The last answer built from Redis, by the raw catalogue and summary it joined: both change only when the publisher writes. */
let built: { catalogue: string; summary: string; read: SportsRead } | null = null;

/**
 * Active sports with their board counts, from the publisher's state in Redis: the catalogue
 * (`odds:catalogue`) joined with the board summary (`odds:summary`), in one round trip. The join
 * is kept in process for as long as both strings are unchanged, so an unchanged board costs one
 * MGET. Until the publisher has written both (a cold start), the list is read from Postgres, flagged
 * `source: "postgres"`; Redis unreachable throws.
 */
export async function listSports(db: Db, redis: Redis): Promise<SportsRead> {
  const [catalogue, summary] = await redis.mget(KEYS.sportsCatalogue, KEYS.sportsSummary);
  if (catalogue == null || summary == null) return { sports: await listSportsFromPostgres(db), summary: null, source: "postgres" };
  if (built && built.catalogue === catalogue && built.summary === summary) return built.read;
  const read = joinSports(catalogue, summary);
  if (!read) return { sports: await listSportsFromPostgres(db), summary: null, source: "postgres" };
  built = { catalogue, summary, read };
  return read;
}

/** The catalogue with each sport's counts from the summary; null when either does not parse. */
function joinSports(rawCatalogue: string, rawSummary: string): SportsRead | null {
  const catalogue = parseJson(SportCatalogue, rawCatalogue);
  const summary = parseJson(SportsSummaryMessage, rawSummary);
  if (!catalogue.ok || !summary.ok) return null;
  const { v, type, ...counts } = summary.message;
  const bySport = new Map(counts.sports.map((count) => [count.sport, count]));
  const sports = catalogue.message.sports.map((sport) => ({
    ...sport,
    activeEvents: bySport.get(sport.key)?.events ?? 0,
    liveEvents: bySport.get(sport.key)?.live ?? 0,
  }));
  return { sports, summary: counts, source: "redis" };
}

/**
 * The same list read from Postgres in one query: only before the publisher has stored the catalogue
 * and a summary. Esports events stored with a null sport count under the `esports` key, as the
 * publisher files them.
 */
export async function listSportsFromPostgres(db: Db): Promise<SportListing[]> {
  const [sports, counts] = await Promise.all([
    db.sport.findMany({
      where: { active: true },
      select: { key: true, title: true, group: true, isEsports: true },
      orderBy: [{ group: "asc" }, { title: "asc" }],
    }),
    db.$queryRaw<{ key: string; active: bigint; live: bigint }[]>`
      SELECT COALESCE("sport", ${ESPORTS_SPORT_KEY}) AS key,
             count(*) AS active,
             count(*) FILTER (WHERE "phase" = 'LIVE') AS live
      FROM "Event"
      WHERE "status" IN ('ACTIVE', 'SUSPENDED') AND ("sport" IS NOT NULL OR "isEsports")
      GROUP BY 1`,
  ]);
  const byKey = new Map(counts.map((row) => [row.key, row]));
  return sports.map((sport) => ({
    ...sport,
    activeEvents: Number(byKey.get(sport.key)?.active ?? 0),
    liveEvents: Number(byKey.get(sport.key)?.live ?? 0),
  }));
}

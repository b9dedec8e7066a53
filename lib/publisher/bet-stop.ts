import type { Db } from "../db";
import { ESPORTS_SPORT_KEY } from "../protocol";

/**
 * The bet stop of professional feeds (docs/odds-source.md, "Producer liveness"): while nobody
 * vouches for a sport's prices, the open markets of its in-play events stop taking bets. They are
 * marked `feedSuspendedAt`, which only a live producer lifts, once the market has fresh prices of
 * its own; an admin's or the liability limit's suspension (no mark) is never lifted that way.
 * A market status change is a priority event, so pages see the suspension without waiting for a
 * tick (while the publisher ticks).
 */

/**
 * The database's clock now, to the millisecond below (as text, for `suspendInPlay`'s `since`).
 * Truncated, not rounded: a market stamped at or after this moment (timestamps keep milliseconds)
 * is never taken for one changed before it.
 */
export async function databaseNow(db: Db): Promise<string> {
  const rows = await db.$queryRaw<{ now: string }[]>`SELECT date_trunc('milliseconds', clock_timestamp())::text AS "now"`;
  const now = rows[0]?.now;
  if (now === undefined) throw new Error("the database did not say what time it is");
  return now;
}

/**
 * Suspends, in one statement, the open markets of in-play events (on the board: ACTIVE or
 * SUSPENDED) of these board sports, whoever wrote them (simulator events have no externalId),
 * that have not changed since `since` (the database's clock, from `databaseNow`, read before the
 * beats that found the sports stale). A producer reopens a market only after its fresh vouch
 * landed, and stamps the reopening with the statement's own time, so a reopening the beats did
 * not yet show is left alone rather than undone. `esports` names the events without a sport
 * flagged esports, as on the board. Returns how many markets it suspended; idempotent, so the
 * leader runs it every control step while a sport is stale.
 */
export async function suspendInPlay(db: Db, sports: readonly string[], since: string): Promise<number> {
  if (sports.length === 0) return 0;
  const named = sports.filter((sport) => sport !== ESPORTS_SPORT_KEY);
  const esports = sports.includes(ESPORTS_SPORT_KEY);
  return db.$executeRaw`
    UPDATE "Market" m SET "status" = 'SUSPENDED', "feedSuspendedAt" = now(), "updatedAt" = now()
    FROM "Event" e
    WHERE m."eventId" = e."id" AND m."status" = 'OPEN' AND m."updatedAt" < ${since}::timestamptz
      AND e."phase" = 'LIVE' AND e."status" IN ('ACTIVE', 'SUSPENDED')
      AND (e."sport" = ANY(${named}::text[]) OR (${esports} AND e."sport" IS NULL AND e."isEsports"))`;
}

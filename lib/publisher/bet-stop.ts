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
 * Suspends, in one statement, the open markets of in-play events (on the board: ACTIVE or
 * SUSPENDED) of these board sports, whoever wrote them (simulator events have no externalId).
 * `esports` names the events without a sport flagged esports, as on the board. Returns how many
 * markets it suspended; idempotent, so the leader runs it every control step while a sport is stale.
 */
export async function suspendInPlay(db: Db, sports: readonly string[]): Promise<number> {
  if (sports.length === 0) return 0;
  const named = sports.filter((sport) => sport !== ESPORTS_SPORT_KEY);
  const esports = sports.includes(ESPORTS_SPORT_KEY);
  return db.$executeRaw`
    UPDATE "Market" m SET "status" = 'SUSPENDED', "feedSuspendedAt" = now(), "updatedAt" = now()
    FROM "Event" e
    WHERE m."eventId" = e."id" AND m."status" = 'OPEN'
      AND e."phase" = 'LIVE' AND e."status" IN ('ACTIVE', 'SUSPENDED')
      AND (e."sport" = ANY(${named}::text[]) OR (${esports} AND e."sport" IS NULL AND e."isEsports"))`;
}

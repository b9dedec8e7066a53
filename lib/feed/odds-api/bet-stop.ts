import type { Db } from "../../db";

/**
 * The bet stop of professional feeds: markets of an event whose prices can no longer follow the
 * game are suspended at once, and reopened only when fresh prices for it have arrived. A market
 * status change is a priority event (a trigger notifies the publisher), so a suspension reaches
 * every page within the same sequence, without waiting for a tick. Only markets the source
 * suspended (`feedSuspendedAt`) are reopened by it: an admin's or the liability limit's
 * suspension stays.
 */

/** Suspends the open markets of these events (our ids). Returns how many markets. */
export async function suspendEvents(db: Db, eventIds: string[]): Promise<number> {
  if (eventIds.length === 0) return 0;
  return db.$executeRaw`
    UPDATE "Market" SET "status" = 'SUSPENDED', "feedSuspendedAt" = now(), "updatedAt" = now()
    WHERE "eventId" = ANY(${eventIds}::uuid[]) AND "status" = 'OPEN'`;
}

/**
 * Reopens the markets the source suspended, of events whose prices arrived in a poll that
 * started after the suspension (`pollStartedAt`): prices read before it cannot lift it.
 */
export async function reopenEvents(db: Db, eventIds: string[], pollStartedAt: Date): Promise<number> {
  if (eventIds.length === 0) return 0;
  return db.$executeRaw`
    UPDATE "Market" SET "status" = 'OPEN', "feedSuspendedAt" = NULL, "updatedAt" = now()
    WHERE "eventId" = ANY(${eventIds}::uuid[]) AND "status" = 'SUSPENDED'
      AND "feedSuspendedAt" IS NOT NULL AND "feedSuspendedAt" < ${pollStartedAt}`;
}

/**
 * Suspends the open markets of the source's events in play now (on the board, started, from these
 * sports). One statement: the poller runs it every second while the source is failing.
 */
export async function suspendInPlay(db: Db, sports: string[]): Promise<number> {
  return db.$executeRaw`
    UPDATE "Market" m SET "status" = 'SUSPENDED', "feedSuspendedAt" = now(), "updatedAt" = now()
    FROM "Event" e
    WHERE m."eventId" = e."id" AND m."status" = 'OPEN'
      AND e."sport" = ANY(${sports}::text[]) AND e."externalId" IS NOT NULL
      AND e."phase" = 'LIVE' AND e."status" IN ('ACTIVE', 'SUSPENDED')`;
}

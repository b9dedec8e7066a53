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

/** Our ids of the source's events in play now (on the board, started, from these sports). */
export async function inPlayEvents(db: Db, sports: string[]): Promise<string[]> {
  const rows = await db.event.findMany({
    where: { sport: { in: sports }, externalId: { not: null }, phase: "LIVE", status: { in: ["ACTIVE", "SUSPENDED"] } },
    select: { id: true },
  });
  return rows.map((row) => row.id);
}

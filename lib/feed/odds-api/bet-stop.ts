import type { Db } from "../../db";
import { type Fence, NO_FENCE, fencedTransaction } from "../producer-term";

/**
 * The poller's part of the bet stop (docs/odds-source.md, "Bet stop"): a score change suspends
 * that event's markets at once, and a market the feed suspended reopens only once a poll that
 * started after the suspension brought usable prices for that very market. A market status change
 * is a priority event (a trigger notifies the publisher), so a suspension reaches every page
 * within the same sequence, without waiting for a tick. Only markets the feed suspended
 * (`feedSuspendedAt`) are reopened: an admin's or the liability limit's suspension stays. The
 * suspension of in-play markets whose sport no producer vouches for is the publisher's.
 */

/** Suspends the open markets of these events (our ids). Returns how many markets. */
export async function suspendEvents(db: Db, eventIds: string[], fence: Fence = NO_FENCE): Promise<number> {
  if (eventIds.length === 0) return 0;
  return fencedTransaction(db, fence, (tx) => tx.$executeRaw`
    UPDATE "Market" SET "status" = 'SUSPENDED', "feedSuspendedAt" = now(), "updatedAt" = now()
    WHERE "eventId" = ANY(${eventIds}::uuid[]) AND "status" = 'OPEN'`);
}

/**
 * Reopens those of these markets (our ids) that the feed suspended before `pollStartedAt`: the
 * poll that brought their prices started after the suspension, so prices read before it cannot
 * lift it. Returns how many markets.
 * @param marketIds the markets the poll brought usable prices for (OddsWrite.quoted)
 */
export async function reopenMarkets(db: Db, marketIds: string[], pollStartedAt: Date, fence: Fence = NO_FENCE): Promise<number> {
  if (marketIds.length === 0) return 0;
  return fencedTransaction(db, fence, (tx) => tx.$executeRaw`
    UPDATE "Market" SET "status" = 'OPEN', "feedSuspendedAt" = NULL, "updatedAt" = now()
    WHERE "id" = ANY(${marketIds}::uuid[]) AND "status" = 'SUSPENDED'
      AND "feedSuspendedAt" IS NOT NULL AND "feedSuspendedAt" < ${pollStartedAt}`);
}

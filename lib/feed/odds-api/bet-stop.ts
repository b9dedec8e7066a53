import type { Db } from "../../db";
import { type Fence, NO_FENCE, fencedTransaction } from "../producer-term";
import type { QuotedMarket } from "./mapper";

/**
 * The poller's part of the bet stop (docs/odds-source.md, "Bet stop"): a score change suspends
 * that event's markets at once, and a market the feed suspended reopens only once a poll brought
 * a complete book for that very market updated after the suspension. A market status change is
 * a priority event (a trigger notifies the publisher), so a suspension reaches every page within
 * the same sequence, without waiting for a tick. Only markets the feed suspended
 * (`feedSuspendedAt`) are reopened: an admin's or the liability limit's suspension stays. The
 * suspension of in-play markets whose sport no producer vouches for is the publisher's.
 */

/** Suspends the open markets of these events (our ids). Returns how many markets. */
export async function suspendEvents(db: Db, eventIds: string[], fence: Fence = NO_FENCE): Promise<number> {
  if (eventIds.length === 0) return 0;
  return fencedTransaction(
    db,
    fence,
    (tx) => tx.$executeRaw`
    UPDATE "Market" SET "status" = 'SUSPENDED', "feedSuspendedAt" = now(), "updatedAt" = now()
    WHERE "eventId" = ANY(${eventIds}::uuid[]) AND "status" = 'OPEN'`,
  );
}

/**
 * Reopens those of these markets that the feed suspended before their freshest complete book was
 * updated (`bookAt`, the provider's last_update): prices quoted before the suspension, which a
 * book has not moved since, cannot lift it. `updatedAt` is the statement's own time
 * (clock_timestamp), so the publisher's bet stop, which leaves alone what changed since its round
 * began, cannot undo a reopening that landed after it read the beats. Returns how many markets.
 * @param quoted the markets the poll priced usably (OddsWrite.quoted)
 */
export async function reopenMarkets(db: Db, quoted: readonly QuotedMarket[], fence: Fence = NO_FENCE): Promise<number> {
  if (quoted.length === 0) return 0;
  return fencedTransaction(
    db,
    fence,
    (tx) => tx.$executeRaw`
    UPDATE "Market" m SET "status" = 'OPEN', "feedSuspendedAt" = NULL, "updatedAt" = clock_timestamp()
    FROM unnest(${quoted.map((q) => q.marketId)}::uuid[], ${quoted.map((q) => q.bookAt.toISOString())}::timestamptz[]) AS q("id", "bookAt")
    WHERE m."id" = q."id" AND m."status" = 'SUSPENDED'
      AND m."feedSuspendedAt" IS NOT NULL AND m."feedSuspendedAt" < q."bookAt"`,
  );
}

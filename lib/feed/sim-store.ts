import type { Db, Tx } from "../db";
import { type Fence, fencedTransaction } from "./producer-term";
import { type PriceWrite, type SimMarket, type SimMarketRow, simMarketSelect } from "./sim-market";

/**
 * The simulator's statements. Every write goes through the producer's fence (producer-term.ts),
 * so an instance that lost its lease cannot write once a successor took over.
 */

/** Event statuses whose markets the simulator quotes: the board's (an admin's event suspension does not stop the books). */
const QUOTED_EVENTS = ["ACTIVE", "SUSPENDED"] as const;

/**
 * The markets the simulator moves: OPEN ones, and those the feed suspended (bet stop), of events
 * on the board. Markets an admin or the liability limit suspended are left as they are.
 */
export function loadMarkets(db: Db): Promise<SimMarketRow[]> {
  return db.market.findMany({
    where: {
      OR: [{ status: "OPEN" }, { status: "SUSPENDED", feedSuspendedAt: { not: null } }],
      event: { status: { in: [...QUOTED_EVENTS] } },
    },
    select: simMarketSelect,
  });
}

/**
 * New prices for BookPrice rows: `lastUpdate` is this transaction's time (every book of a
 * re-quote alike), `updatedAt` the statement's own (clock_timestamp), which is after the fence's
 * check of the term: a write under a term that is no longer current cannot be stamped later
 * than its successor's start.
 */
export async function writePrices(tx: Tx, write: PriceWrite): Promise<number> {
  if (write.ids.length === 0) return 0;
  return tx.$executeRaw`
    UPDATE "BookPrice" AS b SET "price" = v.price, "lastUpdate" = now(), "updatedAt" = clock_timestamp()
    FROM (SELECT unnest(${write.ids}::uuid[]) AS id, unnest(${write.values}::float8[]) AS price) AS v
    WHERE b."id" = v.id`;
}

/**
 * Ids of the markets the feed suspended, of events on the board, that have a bookmaker price to
 * re-quote: what the simulator must re-quote and reopen. A market without a single price is left
 * out: it has nothing to re-quote and can never reopen this way. One scan of Market, cheap enough
 * to run every second (a board holds a few markets per event).
 */
export async function feedSuspendedMarkets(db: Db): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT m."id"::text AS id FROM "Market" m JOIN "Event" e ON e."id" = m."eventId"
    WHERE m."status" = 'SUSPENDED' AND m."feedSuspendedAt" IS NOT NULL AND e."status"::text = ANY(${[...QUOTED_EVENTS]}::text[])
      AND EXISTS (SELECT 1 FROM "Outcome" o JOIN "BookPrice" bp ON bp."outcomeId" = o."id" WHERE o."marketId" = m."id")`;
  return rows.map((r) => r.id);
}

/**
 * Re-quotes every book of these feed-suspended markets, then reopens exactly the markets it
 * re-quoted, in one transaction behind the fence. The markets are locked first (FOR UPDATE, in id
 * order), so none changes hands meanwhile; a market is reopened only while the feed's suspension
 * still stands and is older than the re-quote. A market without a single bookmaker price has no
 * fresh prices to reopen with and stays suspended. The reopening stamps `updatedAt` with the
 * statement's own time (clock_timestamp), so the publisher's bet stop, which leaves alone what
 * changed since its round began, cannot undo a reopening that landed after it read the beats.
 * Returns the ids re-quoted and reopened.
 * @param toMarket the simulator's view of a locked row (its walk so far, if it knew the market)
 * @param quote every book's new prices for one market (the simulator's next step of its walk)
 */
export function requoteAndReopen(
  db: Db,
  fence: Fence,
  marketIds: string[],
  toMarket: (row: SimMarketRow) => SimMarket | null,
  quote: (market: SimMarket) => PriceWrite,
): Promise<{ requoted: string[]; reopened: string[] }> {
  return fencedTransaction(db, fence, async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT "id"::text AS id FROM "Market"
      WHERE "id" = ANY(${marketIds}::uuid[]) AND "status" = 'SUSPENDED' AND "feedSuspendedAt" IS NOT NULL
      ORDER BY "id" FOR UPDATE`;
    const rows = locked.length ? await tx.market.findMany({ where: { id: { in: locked.map((r) => r.id) } }, select: simMarketSelect }) : [];
    const requoted: string[] = [];
    const write: PriceWrite = { ids: [], values: [] };
    for (const market of rows.map(toMarket)) {
      if (!market) continue;
      const prices = quote(market);
      if (prices.ids.length === 0) continue;
      requoted.push(market.marketId);
      write.ids.push(...prices.ids);
      write.values.push(...prices.values);
    }
    await writePrices(tx, write);
    if (requoted.length === 0) return { requoted, reopened: [] };
    const reopened = await tx.$queryRaw<{ id: string }[]>`
      UPDATE "Market" SET "status" = 'OPEN', "feedSuspendedAt" = NULL, "updatedAt" = clock_timestamp()
      WHERE "id" = ANY(${requoted}::uuid[]) AND "status" = 'SUSPENDED' AND "feedSuspendedAt" IS NOT NULL AND "feedSuspendedAt" < now()
      RETURNING "id"::text AS id`;
    return { requoted, reopened: reopened.map((r) => r.id) };
  });
}

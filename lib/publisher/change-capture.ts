import type { Prisma } from "../generated/prisma/client";
import { eventOddsSelect, type EventRow } from "./pricing";

export type Tx = Prisma.TransactionClient;

/** One captured change: the event, and for the hot paths the single row that moved with its value now. */
export interface CapturedChange {
  eventId: string;
  /** null: reread the whole event; "price": one BookPrice's price; "stake": one Outcome's pool total. */
  rowKind: "price" | "stake" | null;
  rowId: string | null;
  /** For "price": the row's price in this snapshot (null when the row is gone). */
  price: number | null;
  /** For "price": when the bookmaker last updated it (the feed's lastUpdate). */
  priceAt: Date | null;
  /** For "stake": the row's pool total in this snapshot (null when the row is gone). */
  stakeTotal: Prisma.Decimal | null;
  /** When the change was written (its writer's transaction start). */
  at: Date;
}

/**
 * Takes every committed change out of the queue, with the current value of each row a hot-path
 * change names, in one statement: one round trip, one snapshot. The lookups are subqueries in
 * RETURNING so they stay primary-key probes (as a join, the planner scans the tables). Runs inside
 * the tick's transaction: if the tick fails, the rows come back; rows committed after this
 * statement's snapshot (a long writer finishing late) stay for the next tick. docs/data.md,
 * "Change capture".
 */
export function drainChanges(tx: Tx): Promise<CapturedChange[]> {
  return tx.$queryRaw<CapturedChange[]>`
    DELETE FROM "OddsChange" c
    RETURNING c."eventId"::text AS "eventId", c."rowKind", c."rowId"::text AS "rowId", c."at",
      CASE WHEN c."rowKind" = 'price' THEN (SELECT b."price" FROM "BookPrice" b WHERE b."id" = c."rowId") END AS "price",
      CASE WHEN c."rowKind" = 'price' THEN (SELECT b."lastUpdate" FROM "BookPrice" b WHERE b."id" = c."rowId") END AS "priceAt",
      CASE WHEN c."rowKind" = 'stake' THEN (SELECT o."stakeTotal" FROM "Outcome" o WHERE o."id" = c."rowId") END AS "stakeTotal"`;
}

/** The rows of the given events (any status: the caller decides what is on the board). */
export function loadEvents(tx: Tx, ids: string[]): Promise<EventRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return tx.event.findMany({ where: { id: { in: ids } }, select: eventOddsSelect });
}

/** Every event that may be on the board, for a full reconcile. */
export function loadBoardEvents(tx: Tx): Promise<EventRow[]> {
  return tx.event.findMany({
    where: { status: { in: ["ACTIVE", "SUSPENDED"] }, OR: [{ sport: { not: null } }, { isEsports: true }] },
    select: eventOddsSelect,
  });
}

/** The most rows `countQueued` counts: a count stays a cheap bounded scan however large a backlog grows. */
const QUEUE_COUNT_CAP = 100_000;

/**
 * Captured changes committed and not yet drained (rows of `OddsChange`), counted up to
 * QUEUE_COUNT_CAP. What a tick starting now would find; the leader reads it while it is not
 * ticking, when no drain tells it.
 */
export async function countQueued(db: Pick<Tx, "$queryRaw">): Promise<number> {
  const [row] = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM (SELECT 1 FROM "OddsChange" LIMIT ${QUEUE_COUNT_CAP}) q`;
  return row?.n ?? 0;
}

import type { Prisma } from "../generated/prisma/client";
import { eventOddsSelect, type EventRow } from "./pricing";

export type Tx = Prisma.TransactionClient;

/**
 * Takes every committed change out of the queue and returns the distinct event ids. Runs inside
 * the tick's transaction: if the tick fails, the rows come back; rows committed after this
 * statement's snapshot (a long writer finishing late) stay for the next tick. docs/publisher.md.
 */
export async function drainChanges(tx: Tx): Promise<string[]> {
  const rows = await tx.$queryRaw<{ eventId: string }[]>`DELETE FROM "OddsChange" RETURNING "eventId"::text AS "eventId"`;
  return [...new Set(rows.map((row) => row.eventId))];
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

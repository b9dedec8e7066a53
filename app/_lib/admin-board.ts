import type { Db, Tx } from "@/lib/db";
import { ADMIN_BOARD_EVENTS, type BoardEvent } from "@/lib/protocol/admin-board";

/**
 * The events on the board (not over yet) with their markets on the board, soonest first, as the
 * console lists them, each with the newest audit entry about it. Read in one repeatable-read
 * transaction, so a status and its entry id come from the same moment: an admin event carrying a
 * higher id is newer than what this read shows.
 */
export function readBoard(db: Db): Promise<BoardEvent[]> {
  return db.$transaction(
    async (tx) => {
      const rows = await eventsOnBoard(tx);
      const stampOf = await newestEntries(
        tx,
        rows.flatMap((row) => [row.id, ...row.markets.map((m) => m.id)]),
      );
      return rows.map((row) => ({
        id: row.id,
        title: row.title,
        league: row.league,
        sport: row.sport,
        startsAt: row.startsAt.toISOString(),
        live: row.phase === "LIVE",
        status: row.status === "SUSPENDED" ? "suspended" : "open",
        auditId: stampOf.get(row.id) ?? null,
        markets: row.markets.map((m) => ({
          id: m.id,
          key: m.key,
          line: m.line,
          status: m.status === "SUSPENDED" ? "suspended" : "open",
          byFeed: m.status === "SUSPENDED" && m.feedSuspendedAt !== null,
          auditId: stampOf.get(m.id) ?? null,
        })),
      }));
    },
    { isolationLevel: "RepeatableRead" },
  );
}

function eventsOnBoard(tx: Tx) {
  return tx.event.findMany({
    where: { status: { in: ["ACTIVE", "SUSPENDED"] } },
    orderBy: [{ startsAt: "asc" }, { id: "asc" }],
    take: ADMIN_BOARD_EVENTS,
    select: {
      id: true,
      title: true,
      league: true,
      sport: true,
      startsAt: true,
      phase: true,
      status: true,
      markets: {
        where: { status: { in: ["OPEN", "SUSPENDED"] } },
        orderBy: { key: "asc" },
        select: { id: true, key: true, line: true, status: true, feedSuspendedAt: true },
      },
    },
  });
}

/** The newest audit entry id about each of these events and markets (those with none are left out). */
async function newestEntries(tx: Tx, ids: string[]): Promise<Map<string, string>> {
  const rows = await tx.$queryRaw<{ targetId: string; id: bigint }[]>`
    SELECT "targetId", max("id") AS id FROM "AuditEntry"
    WHERE "targetType" IN ('event', 'market') AND "targetId" = ANY(${ids}::text[])
    GROUP BY "targetId"`;
  return new Map(rows.map((row) => [row.targetId, row.id.toString()]));
}

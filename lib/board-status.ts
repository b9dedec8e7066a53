import { type AuditActor, audit } from "./audit";
import { BEHIND_SETTLEMENT_LIMITS, inTransaction } from "./bets/retry";
import type { Db } from "./db";
import type { BoardStatus } from "./protocol/admin";

/**
 * An admin's manual suspend and reopen of an event or a market on the board (docs/admin.md). The
 * change, and its audit entry, are one transaction; a request that would change nothing changes
 * nothing and writes no entry. The publisher's change capture carries the new status to the board
 * like any other write.
 */

/** What a status request did: changed, with the audit entry's id, or found it already so. */
export type StatusChange = { changed: true; status: BoardStatus; auditId: string } | { changed: false; status: BoardStatus };

/** Why a status request was refused: no such record, or one no longer on the board (over, closed or settled). */
export type StatusRefusal = "not_found" | "not_on_board";

const ON_BOARD_EVENT = ["ACTIVE", "SUSPENDED"];
const ON_BOARD_MARKET = ["OPEN", "SUSPENDED"];

/**
 * Suspends or reopens a market of an event on the board. Either way the market is the admin's
 * from then on: `feedSuspendedAt` is cleared, so no odds producer reopens a market an admin
 * suspended (producers reopen only what they suspended). Suspending a market the feed suspended
 * is therefore a change (the admin takes it over), though its status stays `suspended`.
 */
export function setMarketStatus(db: Db, marketId: string, status: BoardStatus, actor: AuditActor): Promise<StatusChange | StatusRefusal> {
  return inTransaction(db, async (tx) => {
    // The market's lock, as a placement takes it: a bet on it decides before or after this, never across.
    const rows = await tx.$queryRaw<{ market: string; event: string; feedSuspendedAt: Date | null }[]>`
      SELECT m."status"::text AS market, e."status"::text AS event, m."feedSuspendedAt"
      FROM "Market" m JOIN "Event" e ON e."id" = m."eventId"
      WHERE m."id" = ${marketId}::uuid FOR UPDATE OF m`;
    const row = rows[0];
    if (!row) return "not_found";
    if (!ON_BOARD_MARKET.includes(row.market) || !ON_BOARD_EVENT.includes(row.event)) return "not_on_board";
    const before = { status: statusWord(row.market), feedSuspendedAt: row.feedSuspendedAt?.toISOString() ?? null };
    if (before.status === status && before.feedSuspendedAt === null) return { changed: false, status };
    await tx.market.update({ where: { id: marketId }, data: { status: status === "open" ? "OPEN" : "SUSPENDED", feedSuspendedAt: null } });
    const auditId = await audit(tx, { actor, action: "market.status", target: { type: "market", id: marketId }, before, after: { status, feedSuspendedAt: null } });
    return { changed: true, status, auditId };
  }, BEHIND_SETTLEMENT_LIMITS);
}

/**
 * Suspends an event on the board (none of its markets takes a bet, whatever their own status) or
 * reopens it (ACTIVE: each market takes bets again as its own status says).
 */
export function setEventStatus(db: Db, eventId: string, status: BoardStatus, actor: AuditActor): Promise<StatusChange | StatusRefusal> {
  return inTransaction(db, async (tx) => {
    const rows = await tx.$queryRaw<{ status: string }[]>`SELECT "status"::text AS status FROM "Event" WHERE "id" = ${eventId}::uuid FOR UPDATE`;
    const row = rows[0];
    if (!row) return "not_found";
    if (!ON_BOARD_EVENT.includes(row.status)) return "not_on_board";
    const before = statusWord(row.status);
    if (before === status) return { changed: false, status };
    await tx.event.update({ where: { id: eventId }, data: { status: status === "open" ? "ACTIVE" : "SUSPENDED" } });
    const auditId = await audit(tx, { actor, action: "event.status", target: { type: "event", id: eventId }, before: { status: before }, after: { status } });
    return { changed: true, status, auditId };
  }, BEHIND_SETTLEMENT_LIMITS);
}

/** A status on the board (a market's OPEN, an event's ACTIVE, or SUSPENDED) in the routes' words. */
function statusWord(status: string): BoardStatus {
  return status === "SUSPENDED" ? "suspended" : "open";
}

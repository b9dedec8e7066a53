import { type AuditActor, audit } from "./audit";
import { BEHIND_SETTLEMENT_LIMITS, inTransaction } from "./bets/retry";
import type { Db } from "./db";
import { boardSport } from "./protocol/names";
import type { BoardStatus } from "./protocol/admin";
import type { TrustReason, TrustRecord } from "./protocol/trust";

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

/**
 * Why no odds producer vouches for the prices of an in-play market's sport right now, as the
 * publisher's trust record says: its bet stop would suspend such a market again within a second.
 */
export interface Unvouched {
  reason: Extract<TrustReason, "producer_down" | "sport_stale">;
  /** The record's own words, e.g. "the simulator has not been heard from for 7 s". */
  why: string;
  sport: string;
}

/** A reopen refused because nobody vouches for the market's prices (`byFeed`: the feed's bet stop holds it, and lifts it with fresh prices). */
export type ReopenRefusal = Unvouched & { byFeed: boolean };

const ON_BOARD_EVENT = ["ACTIVE", "SUSPENDED"];
const ON_BOARD_MARKET = ["OPEN", "SUSPENDED"];

/**
 * Whether the publisher's bet stop would suspend again, within a second, a market of this event
 * that an admin reopened: the event is in play and `trust` says the expected producer is down or
 * the event's sport is stale. Null when no record is at hand (no publisher writes one, so no bet
 * stop runs either) or the prices are vouched for.
 * @example unvouched(record, { phase: "LIVE", sport: "soccer_epl", isEsports: false }) // { reason: "sport_stale", why: "…", sport: "soccer_epl" }
 */
export function unvouched(trust: TrustRecord | null, event: { phase: string; sport: string | null; isEsports: boolean }): Unvouched | null {
  const sport = boardSport(event);
  if (trust === null || event.phase !== "LIVE" || sport === null) return null;
  if (trust.producer.state === "down") return { reason: "producer_down", why: trust.producer.reason ?? "the odds producer is down", sport };
  const why = Object.hasOwn(trust.staleSports, sport) ? trust.staleSports[sport] : undefined;
  return why === undefined ? null : { reason: "sport_stale", why, sport };
}

interface LockedMarket {
  market: string;
  event: string;
  feedSuspendedAt: Date | null;
  phase: string;
  sport: string | null;
  isEsports: boolean;
}

/**
 * Suspends or reopens a market of an event on the board. Either way the market is the admin's
 * from then on: `feedSuspendedAt` is cleared, so no odds producer reopens a market an admin
 * suspended (producers reopen only what they suspended). Suspending a market the feed suspended
 * is therefore a change (the admin takes it over), though its status stays `suspended`. A reopen
 * is refused, changing nothing, while `trust` (the publisher's record, read just before) says no
 * producer vouches for the prices of the market's in-play sport (`unvouched`).
 */
export function setMarketStatus(
  db: Db,
  marketId: string,
  status: BoardStatus,
  actor: AuditActor,
  trust: TrustRecord | null,
): Promise<StatusChange | StatusRefusal | ReopenRefusal> {
  return inTransaction(
    db,
    async (tx) => {
      // The market's lock, as a placement takes it: a bet on it decides before or after this, never across.
      const rows = await tx.$queryRaw<LockedMarket[]>`
      SELECT m."status"::text AS market, e."status"::text AS event, m."feedSuspendedAt", e."phase"::text AS phase, e."sport", e."isEsports" AS "isEsports"
      FROM "Market" m JOIN "Event" e ON e."id" = m."eventId"
      WHERE m."id" = ${marketId}::uuid FOR UPDATE OF m`;
      const row = rows[0];
      if (!row) return "not_found";
      if (!ON_BOARD_MARKET.includes(row.market) || !ON_BOARD_EVENT.includes(row.event)) return "not_on_board";
      const before = { status: statusWord(row.market), feedSuspendedAt: row.feedSuspendedAt?.toISOString() ?? null };
      if (before.status === status && before.feedSuspendedAt === null) return { changed: false, status };
      const refused = status === "open" && before.status === "suspended" ? unvouched(trust, row) : null;
      if (refused) return { ...refused, byFeed: row.feedSuspendedAt !== null };
      await tx.market.update({ where: { id: marketId }, data: { status: status === "open" ? "OPEN" : "SUSPENDED", feedSuspendedAt: null } });
      const auditId = await audit(tx, {
        actor,
        action: "market.status",
        target: { type: "market", id: marketId },
        before,
        after: { status, feedSuspendedAt: null },
      });
      return { changed: true, status, auditId };
    },
    BEHIND_SETTLEMENT_LIMITS,
  );
}

/**
 * Suspends an event on the board (none of its markets takes a bet, whatever their own status) or
 * reopens it (ACTIVE: each market takes bets again as its own status says).
 */
export function setEventStatus(db: Db, eventId: string, status: BoardStatus, actor: AuditActor): Promise<StatusChange | StatusRefusal> {
  return inTransaction(
    db,
    async (tx) => {
      const rows = await tx.$queryRaw<{ status: string }[]>`SELECT "status"::text AS status FROM "Event" WHERE "id" = ${eventId}::uuid FOR UPDATE`;
      const row = rows[0];
      if (!row) return "not_found";
      if (!ON_BOARD_EVENT.includes(row.status)) return "not_on_board";
      const before = statusWord(row.status);
      if (before === status) return { changed: false, status };
      await tx.event.update({ where: { id: eventId }, data: { status: status === "open" ? "ACTIVE" : "SUSPENDED" } });
      const auditId = await audit(tx, { actor, action: "event.status", target: { type: "event", id: eventId }, before: { status: before }, after: { status } });
      return { changed: true, status, auditId };
    },
    BEHIND_SETTLEMENT_LIMITS,
  );
}

/** A status on the board (a market's OPEN, an event's ACTIVE, or SUSPENDED) in the routes' words. */
function statusWord(status: string): BoardStatus {
  return status === "SUSPENDED" ? "suspended" : "open";
}

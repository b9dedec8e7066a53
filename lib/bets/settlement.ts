import { type Balance, balanceOf, post } from "../accounts/ledger";
import { toAmount } from "../accounts/money";
import { type AuditActor, audit } from "../audit";
import type { Db, Tx } from "../db";
import { type BetView, potentialReturn } from "../protocol";
import { SETTLEMENT_LIMITS, inTransaction } from "./retry";
import { type FinalScore, type Settlement, settle } from "./rules";
import { betSelect, toBetView } from "./views";

/**
 * Settling bets (docs/bets.md). When an event is over (ENDED with a final score, or CANCELLED),
 * each open bet is settled once: won pays stake × price, a push or a void pays the stake back,
 * lost pays nothing. Payouts go through the ledger in the same transaction as the bet's new
 * status. Locks: the event, its markets (in id order), the open bets, then the bettors' accounts
 * in id order; a placement locks one market, then one account. A deadlock Postgres still finds
 * rolls the transaction back, and it is tried again. An admin's settlement writes its audit
 * entry in that same transaction, so a retried or failed one leaves none behind.
 */

/** A settled bet of an account (pool bets of the simulator have none), and the balance it left. */
export interface SettledBet {
  userId: string;
  bet: BetView;
  balance: Balance;
}

interface OpenBet {
  id: string;
  userId: string;
  stake: string;
  price: number;
  market: string;
  outcome: string;
  point: number | null;
  hasDraw: boolean;
}

type Verdict = { status: "WON" | "LOST" | "VOID"; payout: number; voidReason: string | null };

/** How an admin ends an event: with its final score, or cancelled. */
export type Ending = { status: "ENDED"; score: FinalScore } | { status: "CANCELLED" };

/** What an admin's settlement did: the accounts' bets it settled (to tell them), and its audit entry. */
export interface AdminSettlement {
  settled: SettledBet[];
  auditId: string;
}

interface EventRow {
  status: string;
  home: number | null;
  away: number | null;
}

/** Settles every open bet of `eventId` if the event is over; otherwise does nothing. */
function settleEvent(db: Db, eventId: string): Promise<SettledBet[] | "not_found"> {
  return inTransaction(
    db,
    async (tx) => {
      const event = await lockEvent(tx, eventId);
      return event ? (await settleOver(tx, eventId, event)).settled : "not_found";
    },
    SETTLEMENT_LIMITS,
  );
}

/**
 * An admin ends an event still on the board that way and settles its bets, in one transaction
 * (so nobody else can settle it in between), with its audit entry: "over" when it had already
 * ended, and then nothing is written.
 */
async function endEvent(db: Db, eventId: string, ending: Ending, actor: AuditActor): Promise<AdminSettlement | "not_found" | "over"> {
  return inTransaction(
    db,
    async (tx) => {
      const before = await lockEvent(tx, eventId);
      if (!before) return "not_found";
      if (before.status !== "ACTIVE" && before.status !== "SUSPENDED") return "over";
      const after = await end(tx, eventId, ending);
      const done = await settleOver(tx, eventId, after);
      const auditId = await audit(tx, {
        actor,
        action: ending.status === "ENDED" ? "event.settle" : "event.void",
        target: { type: "event", id: eventId },
        before: eventState(before),
        // Accounts' bets and what they were paid (the money that moved), and the simulator's pool bets.
        after: { ...eventState(after), bets: done.settled.length, poolBets: done.count - done.settled.length, paid: done.paid },
      });
      return { settled: done.settled, auditId };
    },
    SETTLEMENT_LIMITS,
  );
}

async function lockEvent(tx: Tx, eventId: string): Promise<EventRow | null> {
  const events = await tx.$queryRaw<EventRow[]>`
    SELECT "status"::text AS status, "homeScore" AS home, "awayScore" AS away FROM "Event" WHERE "id" = ${eventId}::uuid FOR UPDATE`;
  return events[0] ?? null;
}

/** Settles the open bets of an event that is over (ended with a score, or cancelled); nothing otherwise. */
async function settleOver(tx: Tx, eventId: string, event: EventRow): Promise<Settled> {
  const cancelled = event.status === "CANCELLED";
  const score = event.status === "ENDED" && event.home !== null && event.away !== null ? { home: event.home, away: event.away } : null;
  if (!cancelled && !score) return { settled: [], count: 0, paid: 0 };
  await tx.$queryRaw`SELECT "id" FROM "Market" WHERE "eventId" = ${eventId}::uuid ORDER BY "id" FOR UPDATE`;
  const done = await settleAll(tx, await openBets(tx, eventId), (bet) => (score ? verdict(settle(bet, score), bet) : voided(bet, "cancelled")));
  await tx.market.updateMany({ where: { eventId, status: { in: ["OPEN", "SUSPENDED", "CLOSED"] } }, data: { status: "SETTLED" } });
  return done;
}

async function end(tx: Tx, eventId: string, ending: Ending): Promise<EventRow> {
  const score = ending.status === "ENDED" ? { homeScore: ending.score.home, awayScore: ending.score.away } : {};
  const row = await tx.event.update({
    where: { id: eventId },
    data: { status: ending.status, ...score },
    select: { status: true, homeScore: true, awayScore: true },
  });
  return { status: row.status, home: row.homeScore, away: row.awayScore };
}

/** An event as its audit entry shows it: the board's word for its status, and its score. */
function eventState(event: EventRow): Record<string, unknown> {
  return { status: event.status.toLowerCase(), score: event.home === null || event.away === null ? null : { home: event.home, away: event.away } };
}

/** Ends an event with its final score (an admin's result) and settles its bets. */
export function setResult(db: Db, eventId: string, score: FinalScore, actor: AuditActor): Promise<AdminSettlement | "not_found" | "over"> {
  return endEvent(db, eventId, { status: "ENDED", score }, actor);
}

/** Cancels an event (an admin's void): every open bet on it is voided and refunded. */
export function voidEvent(db: Db, eventId: string, actor: AuditActor): Promise<AdminSettlement | "not_found" | "over"> {
  return endEvent(db, eventId, { status: "CANCELLED" }, actor);
}

/**
 * Voids one open bet (an admin's decision) and refunds its stake, with its audit entry. `settled`
 * is empty for a bet of the simulator's pool, which has no account to tell.
 */
export async function voidBet(db: Db, betId: string, actor: AuditActor): Promise<AdminSettlement | "not_found" | "settled"> {
  return inTransaction(
    db,
    async (tx) => {
      const market = await tx.$queryRaw<{ id: string }[]>`
      SELECT m."id" FROM "Bet" b JOIN "Outcome" o ON o."id" = b."outcomeId" JOIN "Market" m ON m."id" = o."marketId"
      WHERE b."id" = ${betId}::uuid FOR UPDATE OF m`;
      if (market.length === 0) return "not_found";
      const [bet] = await openBets(tx, null, betId);
      if (!bet) return "settled";
      const done = await settleAll(tx, [bet], (open) => voided(open, "admin"));
      const auditId = await audit(tx, {
        actor,
        action: "bet.void",
        target: { type: "bet", id: betId },
        before: { status: "open", userId: bet.userId, stake: toAmount(bet.stake), price: bet.price },
        after: { status: "void", payout: toAmount(bet.stake), voidReason: "admin" },
      });
      return { settled: done.settled, auditId };
    },
    SETTLEMENT_LIMITS,
  );
}

/**
 * Settles the bets of every event that is over but still has open bets (ended by the odds source,
 * an admin or anything else), a few events at a time. Returns what it settled.
 */
export async function settlePending(db: Db, limit = 20): Promise<SettledBet[]> {
  const events = await db.$queryRaw<{ eventId: string }[]>`
    SELECT DISTINCT m."eventId" AS "eventId"
    FROM "Bet" b JOIN "Outcome" o ON o."id" = b."outcomeId" JOIN "Market" m ON m."id" = o."marketId" JOIN "Event" e ON e."id" = m."eventId"
    WHERE b."status" = 'OPEN' AND (e."status" = 'CANCELLED' OR (e."status" = 'ENDED' AND e."homeScore" IS NOT NULL AND e."awayScore" IS NOT NULL))
    LIMIT ${limit}`;
  const settled: SettledBet[] = [];
  for (const { eventId } of events) {
    const done = await settleEvent(db, eventId);
    if (done !== "not_found") settled.push(...done);
  }
  return settled;
}

/** Open bets of an event (or the one bet `betId`), locked, with what settling them needs. */
function openBets(tx: Tx, eventId: string | null, betId: string | null = null): Promise<OpenBet[]> {
  return tx.$queryRaw<OpenBet[]>`
    SELECT b."id", b."userId", b."stake"::text AS stake, b."price", m."key" AS market, o."key" AS outcome, coalesce(b."point", o."point") AS point,
           EXISTS (SELECT 1 FROM "Outcome" d WHERE d."marketId" = m."id" AND d."key" = 'draw') AS "hasDraw"
    FROM "Bet" b JOIN "Outcome" o ON o."id" = b."outcomeId" JOIN "Market" m ON m."id" = o."marketId"
    WHERE b."status" = 'OPEN' AND (m."eventId" = ${eventId}::uuid OR b."id" = ${betId}::uuid)
    ORDER BY b."id" FOR UPDATE OF b`;
}

/** What settling some bets did: the accounts' bets, how many bets in all, and what accounts were paid. */
interface Settled {
  settled: SettledBet[];
  count: number;
  paid: number;
}

/** Applies each bet's verdict; accounts are paid through the ledger. */
async function settleAll(tx: Tx, bets: OpenBet[], judge: (bet: OpenBet) => Verdict): Promise<Settled> {
  const accounts = await accountsAmong(
    tx,
    bets.map((bet) => bet.userId),
  );
  const settled: SettledBet[] = [];
  let paid = 0;
  for (const bet of bets) {
    const { status, payout, voidReason } = judge(bet);
    const row = await tx.bet.update({
      where: { id: bet.id },
      data: { status, payout: payout.toFixed(2), voidReason, settledAt: new Date() },
      select: betSelect,
    });
    if (!accounts.has(bet.userId)) continue;
    paid += payout;
    const balance =
      (payout > 0 ? await post(tx, bet.userId, payout, status === "WON" ? "PAYOUT" : "REFUND", bet.id) : null) ?? (await balanceOf(tx, bet.userId));
    settled.push({ userId: bet.userId, bet: toBetView(row), balance });
  }
  return { settled, count: bets.length, paid: Math.round(paid * 100) / 100 };
}

function verdict(result: Settlement, bet: OpenBet): Verdict {
  if (result === "push") return voided(bet, "push");
  if (result === "lost") return { status: "LOST", payout: 0, voidReason: null };
  return { status: "WON", payout: potentialReturn(toAmount(bet.stake), bet.price), voidReason: null };
}

function voided(bet: OpenBet, reason: string): Verdict {
  return { status: "VOID", payout: toAmount(bet.stake), voidReason: reason };
}

/**
 * Which of these bet owners are accounts (the simulator's pool ids are not), locked in id order:
 * two settlements paying the same bettors lock them in the same order and cannot deadlock.
 */
async function accountsAmong(tx: Tx, userIds: string[]): Promise<Set<string>> {
  const uuids = [...new Set(userIds)].filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  if (uuids.length === 0) return new Set();
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT "id"::text AS id FROM "User" WHERE "id" = ANY(${uuids}::uuid[]) ORDER BY "id" FOR UPDATE`;
  return new Set(rows.map((row) => row.id));
}

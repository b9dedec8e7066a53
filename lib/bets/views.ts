import type { Db } from "../db";
import type { Prisma } from "../generated/prisma/client";
import { toAmount } from "../accounts/money";
import { type BetStatus, type BetView, potentialReturn } from "../protocol";

/** What a bet view reads: the bet with its outcome, market and event, in one query. */
export const betSelect = {
  id: true,
  stake: true,
  price: true,
  point: true,
  status: true,
  createdAt: true,
  settledAt: true,
  payout: true,
  voidReason: true,
  outcome: { select: { key: true, name: true, point: true, market: { select: { key: true, event: { select: { id: true, title: true } } } } } },
} satisfies Prisma.BetSelect;

export type BetRow = Prisma.BetGetPayload<{ select: typeof betSelect }>;

const STATUS: Record<BetRow["status"], BetStatus> = { OPEN: "open", WON: "won", LOST: "lost", VOID: "void" };

export function toBetView(row: BetRow): BetView {
  const stake = toAmount(row.stake);
  return {
    id: row.id,
    eventId: row.outcome.market.event.id,
    event: row.outcome.market.event.title,
    market: row.outcome.market.key,
    outcome: row.outcome.key,
    selection: row.outcome.name,
    point: row.point ?? row.outcome.point,
    stake,
    price: row.price,
    potentialReturn: potentialReturn(stake, row.price),
    status: STATUS[row.status],
    placedAt: row.createdAt.toISOString(),
    settledAt: row.settledAt?.toISOString() ?? null,
    payout: row.payout === null ? null : toAmount(row.payout),
    voidReason: row.voidReason,
  };
}

/** A bettor's bets, newest first: open and settled. */
export async function listBets(db: Db, userId: string, limit = 200): Promise<BetView[]> {
  const rows = await db.bet.findMany({ where: { userId }, select: betSelect, orderBy: { createdAt: "desc" }, take: limit });
  return rows.map(toBetView);
}

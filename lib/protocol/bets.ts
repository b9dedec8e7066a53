import { z } from "zod";
import { Id } from "./odds";

/**
 * Bets on the wire: the bet view the bet routes answer with and `user:update` carries, and the
 * personal updates themselves. Money is in the site's currency, two decimals.
 */

export const BET_STATUSES = ["open", "won", "lost", "void"] as const;
export type BetStatus = (typeof BET_STATUSES)[number];

export const BetView = z.object({
  id: z.string().min(1).max(64),
  eventId: Id,
  /** The event's title when the bet was read, e.g. "Arsenal vs Chelsea". */
  event: z.string().max(300),
  /** Wire keys: `h2h` / `home`. */
  market: z.string().min(1).max(64),
  outcome: z.string().min(1).max(64),
  /** The outcome's name, e.g. "Arsenal" or "Over". */
  selection: z.string().max(200),
  /** The line of a spread or total, else null. */
  point: z.number().nullable(),
  stake: z.number(),
  /** The accepted decimal price. */
  price: z.number(),
  /** stake × price: what a win pays back, stake included. */
  potentialReturn: z.number(),
  status: z.enum(BET_STATUSES),
  placedAt: z.string(),
  settledAt: z.string().nullable(),
  /** What it paid when settled: the potential return (won), 0 (lost), the stake (void). */
  payout: z.number().nullable(),
  /** Why a void bet was voided: "push", "cancelled" or "admin". */
  voidReason: z.string().nullable(),
});
export type BetView = z.infer<typeof BetView>;

/**
 * A balance, and the ledger entry it stands after: updates about one account may arrive in any
 * order, and the one with the higher `balanceEntry` is the newer balance.
 */
const balance = { balance: z.number(), balanceEntry: z.number().int().min(0) };
const personal = { userId: z.string().min(1).max(64), ts: z.number(), ...balance };

export const BetAccepted = z.object({ ...personal, kind: z.literal("bet_accepted"), bet: BetView });
export const BetSettled = z.object({ ...personal, kind: z.literal("bet_settled"), bet: BetView });
export const BalanceChanged = z.object({ ...personal, kind: z.literal("balance") });

/** What reaches `user:<id>`: every open tab of that bettor, and nobody else. */
export const UserUpdate = z.discriminatedUnion("kind", [BetAccepted, BetSettled, BalanceChanged]);
export type UserUpdate = z.infer<typeof UserUpdate>;

/**
 * What a win pays back, stake included, to the cent, rounded down (never more than the price
 * says). Postgres' "bet_return"(stake, price) is the same, for liability totals and settlement.
 * @example potentialReturn(19.99, 1.15) // 22.98 (22.9885 rounded down)
 */
export function potentialReturn(stake: number, price: number): number {
  return Math.floor(Math.round(stake * 100) * price + 1e-6) / 100;
}

import type { Redis } from "ioredis";
import type { Balance } from "../accounts/ledger";
import { type BetView, CHANNELS, type UserUpdateMessage } from "../protocol";

/**
 * Tells people what happened to bets, after the transaction committed: the bettor's every open tab
 * through `user-updates` (the relay sends each to `user:<id>` only), the admins through
 * `admin-events` (lib/admin-events.ts). Best effort: a bet that is placed stays placed if Redis is down for a moment;
 * the page's bet list and balance are read from Postgres when it reloads or reconnects.
 */

export async function tellBettor(redis: Redis, userId: string, kind: "bet_accepted" | "bet_settled", bet: BetView, balance: Balance): Promise<void> {
  const message: UserUpdateMessage = { v: 1, type: "user:update", kind, userId, bet, balance: balance.balance, balanceEntry: balance.entry, ts: Date.now() };
  await redis.publish(CHANNELS.userUpdates, JSON.stringify(message)).catch(() => {});
}

/** Tells each bettor about their settled bets, in order. */
export async function tellSettled(redis: Redis, settled: { userId: string; bet: BetView; balance: Balance }[]): Promise<void> {
  for (const { userId, bet, balance } of settled) await tellBettor(redis, userId, "bet_settled", bet, balance);
}

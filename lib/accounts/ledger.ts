import type { Db, Tx } from "../db";
import { money, toAmount } from "./money";

export type LedgerKind = "DEPOSIT" | "STAKE" | "PAYOUT" | "REFUND" | "ADJUSTMENT";

/**
 * A balance and the ledger entry it stands after. Entries of one account are numbered in the order
 * they commit (they serialise on the account's row), so of two balances the one with the higher
 * `entry` is the newer, however the messages carrying them arrive.
 */
export interface Balance {
  balance: number;
  /** The id of the account's latest ledger entry (0: none yet). */
  entry: number;
}

/**
 * Moves a balance by `amount` (negative to debit) and writes the ledger entry, in one statement
 * inside the caller's transaction. Returns the new balance, or null when the move would take the
 * balance below zero (nothing is written then). Concurrent debits of one account serialise on its
 * row, so however many run at once, the balance never goes negative; a CHECK backs that.
 * @example await post(tx, userId, -25, "STAKE", betId) // { balance: 975, entry: 42 }, or null when the balance was under 25
 */
export async function post(tx: Tx, userId: string, amount: number, kind: LedgerKind, betId: string | null = null): Promise<Balance | null> {
  const rows = await tx.$queryRaw<{ balance: string; entry: bigint }[]>`
    WITH moved AS (
      UPDATE "User" SET "balance" = "balance" + ${money(amount)}::numeric
      WHERE "id" = ${userId}::uuid AND "balance" + ${money(amount)}::numeric >= 0
      RETURNING "balance"
    )
    INSERT INTO "LedgerEntry" ("userId", "kind", "amount", "balance", "betId")
    SELECT ${userId}::uuid, ${kind}::"LedgerKind", ${money(amount)}::numeric, "balance", ${betId}::uuid FROM moved
    RETURNING "balance"::text AS balance, "id" AS entry`;
  const row = rows[0];
  return row ? { balance: toAmount(row.balance), entry: Number(row.entry) } : null;
}

/** An account's balance now, with its latest ledger entry. */
export async function balanceOf(tx: Tx | Db, userId: string): Promise<Balance> {
  const rows = await tx.$queryRaw<{ balance: string; entry: bigint | null }[]>`
    SELECT u."balance"::text AS balance, (SELECT max(l."id") FROM "LedgerEntry" l WHERE l."userId" = u."id") AS entry
    FROM "User" u WHERE u."id" = ${userId}::uuid`;
  const row = rows[0];
  return { balance: toAmount(row?.balance ?? "0"), entry: Number(row?.entry ?? 0) };
}

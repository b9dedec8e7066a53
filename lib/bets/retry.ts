import type { Db, Tx } from "../db";

/**
 * Runs a transaction again when Postgres picked it to break a deadlock or a serialisation
 * conflict (Prisma P2034): it was rolled back whole, so trying again is safe.
 */
export async function retryOnDeadlock<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if ((error as { code?: unknown }).code !== "P2034" || attempt >= attempts) throw error;
    }
  }
}

/** How long an interactive transaction may wait for a connection (`maxWait`) and run in all (`timeout`), ms. */
export interface TransactionLimits {
  maxWait: number;
  timeout: number;
}

/** A settlement: it locks an event, its markets, its open bets and their accounts, and may pay many bettors. */
export const SETTLEMENT_LIMITS: TransactionLimits = { maxWait: 10_000, timeout: 30_000 };

/**
 * An admin's change to one row that a settlement may hold locked (a market, an event): it may
 * wait out the settlement's whole transaction before it can run, so its own limit is longer.
 * Prisma's defaults (2 s, 5 s) would end it while it waits and answer as if Postgres were down.
 */
export const BEHIND_SETTLEMENT_LIMITS: TransactionLimits = { maxWait: 10_000, timeout: SETTLEMENT_LIMITS.timeout + 15_000 };

/** `work` in one interactive transaction within `limits`, tried again when Postgres broke a deadlock with it. */
export function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>, limits: TransactionLimits): Promise<T> {
  return retryOnDeadlock(() => db.$transaction(work, limits));
}

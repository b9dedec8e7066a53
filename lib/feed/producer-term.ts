import type { Db, Tx } from "../db";
import type { Producer } from "../protocol";

/**
 * Fencing of odds producers in Postgres (docs/odds-source.md, "One poller"). The feed instance
 * that takes a producer's lease in Redis raises the producer's term here (`takeTerm`); every
 * write it then makes runs in a transaction that first reads the term with FOR SHARE (`Fence`)
 * and writes nothing when a newer one exists. Raising the term takes the row's exclusive lock, so
 * it waits for writes in flight under the old term to commit, and every write after it sees the
 * new term: no write of a deposed instance can commit once its successor holds the term.
 */

/** A producer write found a newer term than its own: another instance has taken over; nothing was written. */
export class FencedError extends Error {
  override name = "FencedError";
  constructor(
    readonly producer: Producer,
    readonly term: bigint,
    readonly current: bigint | null,
  ) {
    super(`${producer}: term ${term} is fenced off (the current term is ${current ?? "missing"}); nothing was written`);
  }
}

/** Checks, first thing in a producer's transaction, that its term is still the current one. */
export type Fence = (tx: Tx) => Promise<void>;

/** For writers that are not a producer (tests, scripts): checks nothing. */
export const NO_FENCE: Fence = async () => {};

/**
 * A producer transaction idle this long is ended by Postgres, ms. A producer paused inside one
 * (SIGSTOP, a long GC, a frozen VM) would otherwise hold its FOR SHARE lock, and so keep its
 * successor from taking the term, for as long as the pause lasts.
 */
const IDLE_IN_TRANSACTION_MS = 5_000;
/** How long raising the term waits for writes in flight under the old one, ms; it is retried on the next lease step. */
const TAKE_LOCK_TIMEOUT_MS = 1_000;

/**
 * Raises the producer's term and returns it: the caller holds it from now on. Call it after
 * taking the producer's lease. Fails (to be retried) when writes under the old term hold the row
 * longer than TAKE_LOCK_TIMEOUT_MS.
 */
export async function takeTerm(db: Db, producer: Producer, holder: string, options: { lockTimeoutMs?: number } = {}): Promise<bigint> {
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT set_config('lock_timeout', ${String(options.lockTimeoutMs ?? TAKE_LOCK_TIMEOUT_MS)}, true)`;
    const rows = await tx.$queryRaw<{ term: bigint }[]>`
      INSERT INTO "ProducerTerm" ("producer", "term", "holder", "since") VALUES (${producer}, 1, ${holder.slice(0, 200)}, clock_timestamp())
      ON CONFLICT ("producer") DO UPDATE SET "term" = "ProducerTerm"."term" + 1, "holder" = EXCLUDED."holder", "since" = clock_timestamp()
      RETURNING "term"`;
    const term = rows[0]?.term;
    if (term === undefined) throw new Error(`${producer}: raising the term returned no row`);
    return term;
  });
}

/**
 * The fence of one term: reads the producer's term with FOR SHARE (held until the transaction
 * ends) and throws FencedError when it is not `term`. It also bounds how long the transaction
 * may then sit idle (IDLE_IN_TRANSACTION_MS), in the same round trip.
 */
export function fenceOf(producer: Producer, term: bigint): Fence {
  return async (tx) => {
    const rows = await tx.$queryRaw<{ term: bigint }[]>`
      SELECT "term", set_config('idle_in_transaction_session_timeout', ${String(IDLE_IN_TRANSACTION_MS)}, true) AS "idle"
      FROM "ProducerTerm" WHERE "producer" = ${producer} FOR SHARE`;
    const current = rows[0]?.term ?? null;
    if (current !== term) throw new FencedError(producer, term, current);
  };
}

/** Runs `work` in one transaction behind the fence: nothing of it commits under a term that is not current. */
export function fencedTransaction<T>(db: Db, fence: Fence, work: (tx: Tx) => Promise<T>, options: { timeoutMs?: number } = {}): Promise<T> {
  return db.$transaction(
    async (tx) => {
      await fence(tx);
      return work(tx);
    },
    { maxWait: 10_000, timeout: options.timeoutMs ?? 60_000 },
  );
}

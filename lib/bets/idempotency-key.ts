import { createHash } from "node:crypto";
import type { Db, Tx } from "../db";
import { Prisma } from "../generated/prisma/client";
import { type Placement, nothingPlaced } from "./decision";
import { type Decision, reject } from "./refusal";
import type { BetRequest } from "./request";
import { retryOnDeadlock } from "./retry";

/**
 * The Idempotency-Key of a bet (docs/bets.md, "Bets"): the same key always gets the same answer
 * and never places two bets. A key is one `IdempotentRequest` row per account and key, holding
 * the hash of its request's body and, once decided, the answer (its HTTP status and body).
 *
 * Status 0 marks a key held by an in-play bet during its delay: committed before the wait, with a
 * deadline (the end of the delay plus the longest its decision may take). While it holds, a
 * request with another body under the key is refused at once, and one with the same body waits
 * for the answer and gets it replayed; so nobody can void a waiting bet by spending its key on
 * something else. Past the deadline (the waiting process died) a retry with the same body may hold
 * the key again and decide. Every decision is made under the row's lock and only while it is
 * pending, so however many requests hold, wait or retry, one decides.
 */

/** The status of a key that is held, not yet decided. */
const PENDING = 0;

/** How long the deciding transaction may wait for a connection, then run, ms. */
export const DECISION_LIMITS = { maxWait: 10_000, timeout: 15_000 } as const;

/**
 * How long a held key stays held after its delay: the longest its decision may take, ms. A holder
 * slower than that may still decide (the key is then decided once, by whichever comes first).
 */
const DECISION_MS = DECISION_LIMITS.maxWait + DECISION_LIMITS.timeout;

/** How often a request waiting for another's answer under its key looks again, ms. */
const KEY_POLL_MS = 200;

/**
 * Thrown inside `underKey` (rolling it back, nothing written) when a bet that would decide at once
 * finds its key held by a waiting bet, or given back between two reads: `holdKey` sorts it out.
 */
export class KeyHeld extends Error {
  constructor() {
    super("an in-play bet holds this Idempotency-Key: wait for its answer");
  }
}

/** The hash a key's request is known by: the same key with another body is refused. */
export function requestHashOf(request: BetRequest): string {
  return createHash("sha256").update(JSON.stringify(request)).digest("hex");
}

interface KeyRow {
  requestHash: string;
  status: number;
  response: unknown;
}

const reused = (): Decision => reject(422, "idempotency_key_reused", "this Idempotency-Key was used for a different bet; use a new key");

/** The answer a decided key gives a request with `requestHash`. */
function answerOf(row: KeyRow, requestHash: string): Decision {
  if (row.requestHash !== requestHash) return reused();
  return { status: row.status, body: row.response as Record<string, unknown> };
}

/**
 * Runs `decide` in a transaction that holds `key`, and stores its answer under the key; when the
 * key was already decided, answers that instead (a concurrent request with the key waits here for
 * the first to commit). Nothing is written when `decide` throws. `held`: this request held the key
 * through its in-play delay (`holdKey`), so a pending key is its own to decide; otherwise a pending
 * key belongs to a waiting bet, and this throws KeyHeld.
 */
export async function underKey(
  db: Db,
  userId: string,
  key: string,
  requestHash: string,
  held: boolean,
  decide: (tx: Tx) => Promise<Placement>,
): Promise<Placement> {
  return retryOnDeadlock(() =>
    db.$transaction(async (tx) => {
      const earlier = (await claimKeys(tx, [{ userId, key, requestHash, held }])).get(claimId({ userId, key }));
      if (earlier === "held") throw new KeyHeld();
      if (earlier) return nothingPlaced(earlier, false);
      const placement = await decide(tx);
      const { status, body } = placement.decision;
      await tx.idempotentRequest.update({ where: { userId_key: { userId, key } }, data: { status, response: body as object, deadline: null } });
      return placement;
    }, DECISION_LIMITS),
  );
}

/** A request to claim a key for: whose, which key, the hash of its body, and whether it held the key through an in-play delay. */
export interface KeyClaim {
  userId: string;
  key: string;
  requestHash: string;
  held: boolean;
}

/** How a claim is known in `claimKeys`' answer: account and key. */
export const claimId = (claim: { userId: string; key: string }) => `${claim.userId}\n${claim.key}`;

/**
 * Takes the keys for this transaction, or finds the answers stored under them. Returns, by
 * `claimId`, the answer to replay for a key already decided (or used for another body), "held" for
 * a key a waiting in-play bet holds (or one given back between the insert and the read: nothing is
 * decided, so the caller may try again), and nothing for a key this transaction now holds. A
 * concurrent request inserting the same key waits here for the first to commit, then reads its
 * answer. A holder (an in-play bet after its delay) locks its pending row until the transaction
 * ends, so that of two holders (one held past its deadline, one that took over) the second waits
 * and reads the first's answer. Anyone else only reads: a key a waiting bet holds is never locked
 * by another body's request.
 */
export async function claimKeys(tx: Tx, claims: KeyClaim[]): Promise<Map<string, Decision | "held">> {
  const answers = new Map<string, Decision | "held">();
  if (claims.length === 0) return answers;
  const claimed = await tx.$queryRaw<{ userId: string; key: string }[]>`
    INSERT INTO "IdempotentRequest" ("userId", "key", "requestHash", "status", "response")
    SELECT u, k, h, ${PENDING}, '{}'::jsonb
    FROM unnest(${claims.map((c) => c.userId)}::uuid[], ${claims.map((c) => c.key)}::text[], ${claims.map((c) => c.requestHash)}::text[]) AS t(u, k, h)
    ON CONFLICT DO NOTHING RETURNING "userId"::text AS "userId", "key"`;
  const mine = new Set(claimed.map(claimId));
  const others = claims.filter((claim) => !mine.has(claimId(claim)));
  for (const held of [false, true]) {
    const look = others.filter((claim) => claim.held === held);
    if (look.length === 0) continue;
    const rows = await tx.$queryRaw<(KeyRow & { userId: string; key: string })[]>`
      SELECT "userId"::text AS "userId", "key", "requestHash", "status", "response" FROM "IdempotentRequest"
      WHERE ("userId", "key") IN (SELECT * FROM unnest(${look.map((c) => c.userId)}::uuid[], ${look.map((c) => c.key)}::text[]))
      ORDER BY "userId", "key" ${held ? Prisma.sql`FOR UPDATE` : Prisma.empty}`;
    const found = new Map(rows.map((row) => [claimId(row), row]));
    for (const claim of look) {
      const row = found.get(claimId(claim));
      if (!row) answers.set(claimId(claim), "held");
      else if (row.requestHash !== claim.requestHash || row.status !== PENDING) answers.set(claimId(claim), answerOf(row, claim.requestHash));
      else if (!held) answers.set(claimId(claim), "held");
    }
  }
  return answers;
}

/**
 * Holds `key` for an in-play bet's wait of `delayMs`, committed at once. Returns null when this
 * request holds it now, or the answer to give instead: 422 `idempotency_key_reused` at once for
 * another body, the stored answer for a decided key, and for a key another request with this body
 * holds, that request's answer once it has one (looking every KEY_POLL_MS through `poll`). A key
 * held past its deadline is taken over.
 */
export async function holdKey(
  db: Db,
  userId: string,
  key: string,
  requestHash: string,
  delayMs: number,
  poll: (ms: number) => Promise<void>,
): Promise<Decision | null> {
  for (;;) {
    let row = await readKey(db, userId, key);
    while (row?.requestHash === requestHash && row.status === PENDING && !row.lapsed) {
      await poll(KEY_POLL_MS);
      row = await readKey(db, userId, key);
    }
    if (row && !(row.requestHash === requestHash && row.status === PENDING)) return answerOf(row, requestHash);
    // A new key, one given back, or one held past its deadline: hold it, unless another just did.
    if (await tryHold(db, userId, key, requestHash, delayMs + DECISION_MS)) return null;
  }
}

/**
 * Gives back a key this request holds but will not decide (it failed before its decision), so a
 * retry need not wait for the deadline. Best effort: a key not given back lapses at its deadline.
 */
export async function releaseKey(db: Db, userId: string, key: string, requestHash: string): Promise<void> {
  await db.idempotentRequest.deleteMany({ where: { userId, key, requestHash, status: PENDING } }).catch(() => {});
}

/** Inserts the pending row, or takes over one with this body whose deadline passed; true when held. */
async function tryHold(db: Db, userId: string, key: string, requestHash: string, holdMs: number): Promise<boolean> {
  const held = await db.$queryRaw<{ key: string }[]>`
    INSERT INTO "IdempotentRequest" AS r ("userId", "key", "requestHash", "status", "response", "deadline")
    VALUES (${userId}::uuid, ${key}, ${requestHash}, ${PENDING}, '{}'::jsonb, (clock_timestamp() AT TIME ZONE 'UTC') + ${holdMs}::int * interval '1 millisecond')
    ON CONFLICT ("userId", "key") DO UPDATE SET "deadline" = EXCLUDED."deadline"
    WHERE r."status" = ${PENDING} AND r."requestHash" = EXCLUDED."requestHash"
      AND (r."deadline" IS NULL OR r."deadline" < (clock_timestamp() AT TIME ZONE 'UTC'))
    RETURNING r."key"`;
  return held.length > 0;
}

/** The key's row as it stands (no lock), with whether a pending one is past its deadline. */
async function readKey(db: Db, userId: string, key: string): Promise<(KeyRow & { lapsed: boolean }) | null> {
  const rows = await db.$queryRaw<(KeyRow & { lapsed: boolean })[]>`
    SELECT "requestHash", "status", "response",
           ("deadline" IS NULL OR "deadline" < (clock_timestamp() AT TIME ZONE 'UTC')) AS lapsed
    FROM "IdempotentRequest" WHERE "userId" = ${userId}::uuid AND "key" = ${key}`;
  return rows[0] ?? null;
}

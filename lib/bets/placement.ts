import { createHash, randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { type Balance, post } from "../accounts/ledger";
import { money, toAmount } from "../accounts/money";
import type { Db, Tx } from "../db";
import { type BetView, boardSport, potentialReturn } from "../protocol";
import { liveQuote } from "./live-quote";
import { type BetRequest, accepts } from "./request";
import { retryOnDeadlock } from "./retry";

/**
 * Taking a bet at the live price (docs/bets.md). One Postgres transaction claims the
 * Idempotency-Key, checks the event and market, reads the price from the canonical state, checks
 * the house's liability and the balance, debits through the ledger and records the bet; its answer
 * is stored under the key, so the same key gets the same answer and never places a second bet.
 */

export interface PlacementRules {
  /** The most the house may lose on one outcome, in the site's currency. */
  liabilityLimit: number;
  /** The smallest stake a bet may have: a market that cannot take even that is suspended. */
  minStake: number;
}

/** A decided request: the HTTP status and body to answer with, every time the key comes back. */
export interface Decision {
  status: number;
  body: Record<string, unknown>;
}

/** What happened, for the caller to tell the bettor (and the admins) after the commit. */
export interface Placement {
  decision: Decision;
  /** False when the answer was replayed from an earlier request with the same key. */
  fresh: boolean;
  /** Set when this request placed the bet. */
  placed: { bet: BetView; balance: Balance } | null;
  /** Set when this request hit the liability limit and suspended the market. */
  suspended: { marketId: string; liability: number } | null;
}

interface Target {
  eventId: string;
  sport: string;
  marketId: string;
  outcomeId: string;
}

const reject = (status: number, code: string, message: string, extra: Record<string, unknown> = {}): Decision => ({ status, body: { error: { code, message, ...extra } } });
/** An answer that placed no bet this time: a refusal, or (not fresh) an earlier answer replayed. */
const nothingPlaced = (decision: Decision, fresh = true): Placement => ({ decision, fresh, placed: null, suspended: null });

/** Places one bet for `userId`. Throws only on infrastructure failures (Postgres, Redis). */
export async function placeBet(deps: { db: Db; redis: Redis }, userId: string, request: BetRequest, key: string, rules: PlacementRules): Promise<Placement> {
  const target = await findTarget(deps.db, request);
  if (!target) return nothingPlaced(reject(404, "not_found", "no such event, market or outcome"));
  const requestHash = createHash("sha256").update(JSON.stringify(request)).digest("hex");
  return retryOnDeadlock(() =>
    deps.db.$transaction(
      async (tx) => {
        const earlier = await claimKey(tx, userId, key, requestHash);
        if (earlier) return nothingPlaced(earlier, false);
        const placement = await decide(tx, deps.redis, userId, request, target, rules);
        await tx.idempotentRequest.update({ where: { userId_key: { userId, key } }, data: { status: placement.decision.status, response: placement.decision.body as object } });
        return placement;
      },
      { maxWait: 10_000, timeout: 15_000 },
    ),
  );
}

async function findTarget(db: Db, request: BetRequest): Promise<Target | null> {
  const outcome = await db.outcome.findFirst({
    where: { key: request.outcome, market: { key: request.market, eventId: request.eventId } },
    select: { id: true, market: { select: { id: true, event: { select: { sport: true, isEsports: true } } } } },
  });
  const sport = outcome ? boardSport(outcome.market.event) : null;
  return outcome && sport ? { eventId: request.eventId, sport, marketId: outcome.market.id, outcomeId: outcome.id } : null;
}

/**
 * Claims `key` for this request, or returns the decision stored under it. A concurrent request
 * with the same key waits here until the first commits, then reads its answer.
 */
async function claimKey(tx: Tx, userId: string, key: string, requestHash: string): Promise<Decision | null> {
  const claimed = await tx.$queryRaw<{ key: string }[]>`
    INSERT INTO "IdempotentRequest" ("userId", "key", "requestHash", "status", "response")
    VALUES (${userId}::uuid, ${key}, ${requestHash}, 0, '{}'::jsonb)
    ON CONFLICT DO NOTHING RETURNING "key"`;
  if (claimed.length > 0) return null;
  const stored = await tx.idempotentRequest.findUniqueOrThrow({ where: { userId_key: { userId, key } }, select: { requestHash: true, status: true, response: true } });
  if (stored.requestHash !== requestHash) return reject(422, "idempotency_key_reused", "this Idempotency-Key was used for a different bet; use a new key");
  return { status: stored.status, body: stored.response as Record<string, unknown> };
}

/** The decision itself, in the order a bettor would want to hear about problems. */
async function decide(tx: Tx, redis: Redis, userId: string, request: BetRequest, target: Target, rules: PlacementRules): Promise<Placement> {
  const closed = await lockMarket(tx, target.marketId);
  if (closed) return nothingPlaced(closed);
  // Read under the market's lock: the price is the board's at the moment the bet is decided.
  const quote = await liveQuote(redis, target.sport, target.eventId, request.market, request.outcome);
  if (!quote || !quote.open) return nothingPlaced(reject(409, "market_suspended", "this market is not taking bets right now"));
  if (!accepts(request.accept, request.price, quote.price)) {
    return nothingPlaced(reject(409, "price_changed", `the price is now ${quote.price}`, { price: quote.price }));
  }
  const over = await overLiability(tx, target, request.stake, quote.price, rules);
  if (over) return { ...nothingPlaced(over.decision), suspended: over.suspended };
  const betId = randomUUID();
  const balance = await post(tx, userId, -request.stake, "STAKE", betId);
  if (balance === null) return nothingPlaced(reject(422, "insufficient_funds", "the balance does not cover this stake"));
  const placedAt = new Date();
  await tx.$executeRaw`
    INSERT INTO "Bet" ("id", "userId", "outcomeId", "stake", "price", "point", "createdAt")
    VALUES (${betId}::uuid, ${userId}, ${target.outcomeId}::uuid, ${money(request.stake)}::numeric, ${quote.price}, ${quote.point}, ${placedAt})`;
  const bet: BetView = {
    id: betId,
    eventId: target.eventId,
    event: quote.title,
    market: request.market,
    outcome: request.outcome,
    selection: quote.selection,
    point: quote.point,
    stake: request.stake,
    price: quote.price,
    potentialReturn: potentialReturn(request.stake, quote.price),
    status: "open",
    placedAt: placedAt.toISOString(),
    settledAt: null,
    payout: null,
    voidReason: null,
  };
  return { decision: { status: 201, body: { bet, balance: balance.balance, balanceEntry: balance.entry } }, fresh: true, placed: { bet, balance }, suspended: null };
}

/**
 * Locks the market for the rest of the transaction (bets on one market decide one at a time, so
 * the liability check is exact) and returns why it takes no bets, if it does not.
 */
async function lockMarket(tx: Tx, marketId: string): Promise<Decision | null> {
  const rows = await tx.$queryRaw<{ market: string; event: string }[]>`
    SELECT m."status"::text AS market, e."status"::text AS event
    FROM "Market" m JOIN "Event" e ON e."id" = m."eventId"
    WHERE m."id" = ${marketId}::uuid FOR UPDATE OF m`;
  const row = rows[0];
  if (!row || row.event === "ENDED" || row.event === "CANCELLED") return reject(409, "event_closed", "this event is over");
  if (row.market === "CLOSED" || row.market === "SETTLED") return reject(409, "market_closed", "this market is closed");
  if (row.event === "SUSPENDED" || row.market === "SUSPENDED") return reject(409, "market_suspended", "this market is suspended");
  return null;
}

/**
 * Refuses a bet that would take the house's loss on the outcome past the limit, saying the largest
 * stake it could take; when not even the smallest stake fits, also suspends the market (the admins
 * are told) so bettors stop trying. The loss if the outcome wins is what its open bets would pay
 * minus every open stake in the market (ours and the pool's); a bet adds stake × (price − 1).
 */
async function overLiability(tx: Tx, target: Target, stake: number, price: number, rules: PlacementRules): Promise<{ decision: Decision; suspended: Placement["suspended"] } | null> {
  const rows = await tx.$queryRaw<{ payout: string; stakes: string }[]>`
    SELECT (SELECT "payoutTotal" FROM "Outcome" WHERE "id" = ${target.outcomeId}::uuid)::text AS payout,
           (SELECT coalesce(sum("stakeTotal"), 0) FROM "Outcome" WHERE "marketId" = ${target.marketId}::uuid)::text AS stakes`;
  const liability = toAmount(rows[0]?.payout ?? "0") - toAmount(rows[0]?.stakes ?? "0");
  const room = rules.liabilityLimit - liability;
  if (potentialReturn(stake, price) - stake <= room) return null;
  const largest = Math.floor((room / (price - 1)) * 100) / 100;
  if (largest >= rules.minStake) {
    return { decision: reject(409, "liability_limit", `this market can take at most ${money(largest)} on this outcome right now`, { maxStake: largest }), suspended: null };
  }
  await tx.market.update({ where: { id: target.marketId }, data: { status: "SUSPENDED" } });
  return { decision: reject(409, "liability_limit", "this market has taken all it can and is suspended"), suspended: { marketId: target.marketId, liability } };
}

import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { type Balance, post } from "../accounts/ledger";
import { money, toAmount } from "../accounts/money";
import type { Db, Tx } from "../db";
import { Prisma } from "../generated/prisma/client";
import { type BetView, potentialReturn } from "../protocol";
import { type InPlayDelays, inPlayDelayMs } from "./in-play-delay";
import { liveQuote } from "./live-quote";
import type { PricesStale } from "./price-trust";
import {
  type Decision,
  eventClosed,
  insufficientFunds,
  marketClosed,
  marketSuspended,
  notOnBoard,
  priceChanged,
  pricesStale,
  reject,
  suspendedDuringDelay,
} from "./refusal";
import { type BetRequest, accepts } from "./request";

/**
 * The one transaction that decides a bet (docs/bets.md, "One transaction decides"): run under its
 * Idempotency-Key (idempotency-key.ts `underKey`), it locks the market, reads the live price,
 * checks the house's liability and the balance, debits through the ledger and records the bet.
 */

export interface PlacementRules {
  /** The most the house may lose on one outcome, in the site's currency. */
  liabilityLimit: number;
  /** The smallest stake a bet may have: a market that cannot take even that is suspended. */
  minStake: number;
  /** How long bets on events in play wait before they are decided, ms, by sport. */
  delays: InPlayDelays;
  /**
   * Whether `sport`'s prices may be taken now (the publisher's trust record: `currentRefusal` in
   * price-trust.ts). Asked before the delay and again in the deciding transaction.
   */
  trust: (sport: string) => Promise<PricesStale | null>;
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

/** The bet's event, market and outcome rows. */
export interface Target {
  eventId: string;
  sport: string;
  marketId: string;
  outcomeId: string;
}

/** When a market and its event had last been suspended, as Postgres prints it (exact), or null. */
export interface Suspensions {
  market: string | null;
  event: string | null;
}

/** An in-play bet that waited its delay: what it saw before, and how long it waited (ms). */
export interface Waited {
  seen: Suspensions;
  delayedMs: number;
}

/** Thrown inside the transaction (rolling it back) when a bet that did not wait turns out to be in play. */
export class MustWait extends Error {
  constructor(readonly delayMs: number) {
    super("the event is in play: the bet waits its delay");
  }
}

/** An answer that placed no bet this time: a refusal, or (not fresh) an earlier answer replayed. */
export const nothingPlaced = (decision: Decision, fresh = true): Placement => ({ decision, fresh, placed: null, suspended: null });

/**
 * The decision itself, in the order a bettor would want to hear about problems. `waited` is set
 * for an in-play bet after its delay; a bet that did not wait and finds its event in play throws
 * MustWait instead of being decided.
 */
export async function decide(
  tx: Tx,
  redis: Redis,
  userId: string,
  request: BetRequest,
  target: Target,
  rules: PlacementRules,
  waited: Waited | null,
): Promise<Placement> {
  const closed = await lockMarket(tx, target.marketId, waited?.seen ?? null);
  if (closed) return nothingPlaced(closed);
  const stale = await rules.trust(target.sport);
  if (stale) return nothingPlaced(pricesStale(stale));
  // Read under the market's lock: the price is the board's at the moment the bet is decided.
  const quote = await liveQuote(redis, target.sport, target.eventId, request.market, request.outcome);
  if (!quote?.open) return nothingPlaced(notOnBoard(quote?.closedBy ?? null));
  const delayMs = quote.inPlay ? inPlayDelayMs(rules.delays, target.sport) : 0;
  if (!waited && delayMs > 0) throw new MustWait(delayMs);
  if (!accepts(request.accept, request.price, quote.price)) return nothingPlaced(priceChanged(quote.price));
  const over = await overLiability(tx, target, request.stake, quote.price, rules);
  if (over) return { ...nothingPlaced(over.decision), suspended: over.suspended };
  const betId = randomUUID();
  const balance = await post(tx, userId, -request.stake, "STAKE", betId);
  if (balance === null) return nothingPlaced(insufficientFunds());
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
  const body = { bet, balance: balance.balance, balanceEntry: balance.entry, delayedMs: waited?.delayedMs ?? 0 };
  return { decision: { status: 201, body }, fresh: true, placed: { bet, balance }, suspended: null };
}

/** A market's and its event's statuses, and when each last became suspended. */
export interface MarketState {
  market: string;
  event: string;
  marketSuspendedAt: string | null;
  eventSuspendedAt: string | null;
}

/**
 * Why a market in `state` takes no bets, or null. With `seen` (what an in-play bet saw before its
 * delay), also refuses when the market or its event became suspended since, even if reopened.
 */
export function closedState(state: MarketState | undefined, seen: Suspensions | null): Decision | null {
  if (!state || state.event === "ENDED" || state.event === "CANCELLED") return eventClosed();
  if (state.market === "CLOSED" || state.market === "SETTLED") return marketClosed();
  if (seen && (state.marketSuspendedAt !== seen.market || state.eventSuspendedAt !== seen.event)) return suspendedDuringDelay();
  if (state.event === "SUSPENDED" || state.market === "SUSPENDED") return marketSuspended();
  return null;
}

/**
 * Locks the market for the rest of the transaction (bets on one market decide one at a time, so
 * the liability check is exact) and returns why it takes no bets, if it does not.
 */
async function lockMarket(tx: Tx, marketId: string, seen: Suspensions | null): Promise<Decision | null> {
  return closedState(await marketState(tx, marketId, { lock: true }), seen);
}

/**
 * A market's and its event's statuses and last suspensions; undefined when the market is gone.
 * With `lock`, the market's row stays locked until the transaction ends.
 */
export async function marketState(q: Db | Tx, marketId: string, { lock }: { lock: boolean }): Promise<MarketState | undefined> {
  const rows = await q.$queryRaw<MarketState[]>`
    SELECT m."status"::text AS market, e."status"::text AS event,
           m."lastSuspendedAt"::text AS "marketSuspendedAt", e."lastSuspendedAt"::text AS "eventSuspendedAt"
    FROM "Market" m JOIN "Event" e ON e."id" = m."eventId"
    WHERE m."id" = ${marketId}::uuid ${lock ? Prisma.sql`FOR UPDATE OF m` : Prisma.empty}`;
  return rows[0];
}

/**
 * Refuses a bet that would take the house's loss on the outcome past the limit, saying the largest
 * stake it could take; when not even the smallest stake fits, also suspends the market (the admins
 * are told) so bettors stop trying. The loss if the outcome wins is what its open bets would pay
 * minus every open stake in the market (ours and the pool's); a bet adds stake × (price − 1).
 */
async function overLiability(
  tx: Tx,
  target: Target,
  stake: number,
  price: number,
  rules: PlacementRules,
): Promise<{ decision: Decision; suspended: Placement["suspended"] } | null> {
  const rows = await tx.$queryRaw<{ payout: string; stakes: string }[]>`
    SELECT (SELECT "payoutTotal" FROM "Outcome" WHERE "id" = ${target.outcomeId}::uuid)::text AS payout,
           (SELECT coalesce(sum("stakeTotal"), 0) FROM "Outcome" WHERE "marketId" = ${target.marketId}::uuid)::text AS stakes`;
  const liability = toAmount(rows[0]?.payout ?? "0") - toAmount(rows[0]?.stakes ?? "0");
  const room = rules.liabilityLimit - liability;
  if (potentialReturn(stake, price) - stake <= room) return null;
  const largest = Math.floor((room / (price - 1)) * 100) / 100;
  if (largest >= rules.minStake) {
    return {
      decision: reject(409, "liability_limit", `this market can take at most ${money(largest)} on this outcome right now`, { maxStake: largest }),
      suspended: null,
    };
  }
  await tx.market.update({ where: { id: target.marketId }, data: { status: "SUSPENDED" } });
  return { decision: reject(409, "liability_limit", "this market has taken all it can and is suspended"), suspended: { marketId: target.marketId, liability } };
}

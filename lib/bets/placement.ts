import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "ioredis";
import type { Db } from "../db";
import type { Env } from "../env";
import { boardSport } from "../protocol";
import { type MarketState, MustWait, type Placement, type PlacementRules, type Suspensions, type Target, type Waited, closedState, decide, nothingPlaced, storedAnswer, underKey } from "./decision";
import { inPlayDelayMs, inPlayDelaysOf } from "./in-play-delay";
import { liveQuote } from "./live-quote";
import { type Decision, insufficientFunds, notFound, notOnBoard, priceChanged, pricesStale } from "./refusal";
import { type BetRequest, accepts } from "./request";

export type { Placement, PlacementRules } from "./decision";
export type { Decision } from "./refusal";

/**
 * Taking a bet at the live price (docs/bets.md). A bet on an event before its start is decided at
 * once, in one transaction (decision.ts). A bet on an event in play first passes the checks that
 * can refuse it at once (market open on the board, price, balance), then waits its sport's delay,
 * then is decided in that same one transaction, which also refuses it when its market or event
 * was suspended at any moment of the wait. Nothing is written before the decision: a restart during
 * the wait leaves no trace, and the client may send the same Idempotency-Key again.
 */

export interface PlacementDeps {
  db: Db;
  redis: Redis;
  /** Waits out the in-play delay, ms (default: a timer). Tests hold it open to look inside the wait. */
  pause?: (ms: number) => Promise<void>;
}

/** The rules of the parsed environment (the trust check is left to the caller). */
export function placementRules(config: Pick<Env, "LIABILITY_LIMIT" | "BET_MIN_STAKE" | "BET_INPLAY_DELAY_MS" | "BET_INPLAY_DELAYS">): PlacementRules {
  return { liabilityLimit: config.LIABILITY_LIMIT, minStake: config.BET_MIN_STAKE, delays: inPlayDelaysOf(config) };
}

/** Places one bet for `userId`. Throws only on infrastructure failures (Postgres, Redis). */
export async function placeBet(deps: PlacementDeps, userId: string, request: BetRequest, key: string, rules: PlacementRules): Promise<Placement> {
  const target = await findTarget(deps.db, request);
  if (!target) return nothingPlaced(notFound());
  const requestHash = createHash("sha256").update(JSON.stringify(request)).digest("hex");
  const quote = await liveQuote(deps.redis, target.sport, target.eventId, request.market, request.outcome);
  const delayMs = quote?.inPlay ? inPlayDelayMs(rules.delays, target.sport) : 0;
  if (delayMs > 0) return placeInPlay(deps, userId, request, key, requestHash, target, rules, delayMs);
  try {
    return await underKey(deps.db, userId, key, requestHash, (tx) => decide(tx, deps.redis, userId, request, target, rules, null));
  } catch (error) {
    // The event went in play between the first look at the board and the decision.
    if (error instanceof MustWait) return placeInPlay(deps, userId, request, key, requestHash, target, rules, error.delayMs);
    throw error;
  }
}

async function placeInPlay(deps: PlacementDeps, userId: string, request: BetRequest, key: string, requestHash: string, target: Target, rules: PlacementRules, delayMs: number): Promise<Placement> {
  // A key already decided gets its answer at once, whatever the market does now.
  const earlier = await storedAnswer(deps.db, userId, key, requestHash);
  if (earlier) return nothingPlaced(earlier, false);
  const ready = await precheck(deps, userId, request, target, rules);
  if ("refusal" in ready) return underKey(deps.db, userId, key, requestHash, async () => nothingPlaced(ready.refusal));
  const started = performance.now();
  await (deps.pause ?? sleep)(delayMs);
  const waited: Waited = { seen: ready.seen, delayedMs: Math.round(performance.now() - started) };
  return underKey(deps.db, userId, key, requestHash, async (tx) => withDelay(await decide(tx, deps.redis, userId, request, target, rules, waited), waited.delayedMs));
}

/**
 * The checks that can refuse an in-play bet before its delay, read without locks or writes: the
 * event and market take bets, the board has the market open, the prices are live (rules.trust),
 * `accept` takes the price, the balance covers the stake. Passing, it returns when the market and
 * event had last been suspended, for the decision to compare with after the wait.
 */
async function precheck(deps: PlacementDeps, userId: string, request: BetRequest, target: Target, rules: PlacementRules): Promise<{ refusal: Decision } | { seen: Suspensions }> {
  const rows = await deps.db.$queryRaw<(MarketState & { balance: string | null })[]>`
    SELECT m."status"::text AS market, e."status"::text AS event,
           m."lastSuspendedAt"::text AS "marketSuspendedAt", e."lastSuspendedAt"::text AS "eventSuspendedAt",
           (SELECT u."balance"::text FROM "User" u WHERE u."id" = ${userId}::uuid) AS balance
    FROM "Market" m JOIN "Event" e ON e."id" = m."eventId"
    WHERE m."id" = ${target.marketId}::uuid`;
  const state = rows[0];
  const closed = closedState(state, null);
  if (closed || !state) return { refusal: closed ?? notFound() };
  const stale = (await rules.trust?.(target.sport)) ?? null;
  if (stale) return { refusal: pricesStale(stale) };
  const quote = await liveQuote(deps.redis, target.sport, target.eventId, request.market, request.outcome);
  if (!quote || !quote.open) return { refusal: notOnBoard(quote?.closedBy ?? null) };
  if (!accepts(request.accept, request.price, quote.price)) return { refusal: priceChanged(quote.price) };
  if (Number(state.balance ?? 0) < request.stake) return { refusal: insufficientFunds() };
  return { seen: { market: state.marketSuspendedAt, event: state.eventSuspendedAt } };
}

/** Says in a decided answer how long the bet waited (ms); a placed bet's answer already does. */
function withDelay(placement: Placement, delayedMs: number): Placement {
  const { body } = placement.decision;
  if (placement.placed || typeof body.error !== "object" || body.error === null) return placement;
  return { ...placement, decision: { ...placement.decision, body: { ...body, error: { ...body.error, delayedMs } } } };
}

async function findTarget(db: Db, request: BetRequest): Promise<Target | null> {
  const outcome = await db.outcome.findFirst({
    where: { key: request.outcome, market: { key: request.market, eventId: request.eventId } },
    select: { id: true, market: { select: { id: true, event: { select: { sport: true, isEsports: true } } } } },
  });
  const sport = outcome ? boardSport(outcome.market.event) : null;
  return outcome && sport ? { eventId: request.eventId, sport, marketId: outcome.market.id, outcomeId: outcome.id } : null;
}

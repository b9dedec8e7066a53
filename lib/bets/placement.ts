import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "ioredis";
import { balanceOf } from "../accounts/ledger";
import { ownLimitsOf } from "../accounts/limits-store";
import { toCents } from "../accounts/money";
import type { Db } from "../db";
import type { Env } from "../env";
import { boardSport } from "../protocol";
import { MustWait, type Placement, type PlacementRules, type Suspensions, type Target, type Waited, closedState, marketState, nothingPlaced } from "./decision";
import { KeyHeld, holdKey, releaseKey, requestHashOf, underKey } from "./idempotency-key";
import { inPlayDelayMs, inPlayDelaysOf } from "./in-play-delay";
import { liveQuote } from "./live-quote";
import { decideInGroup } from "./bet-groups";
import { type Decision, insufficientFunds, notFound, notOnBoard, ownLimitsRefusal, priceChanged, pricesStale } from "./refusal";
import { type BetRequest, accepts } from "./request";

export type { Placement, PlacementRules } from "./decision";
export type { Decision } from "./refusal";

/**
 * Taking a bet at the live price (docs/bets.md). A bet on an event before its start is decided at
 * once, in one transaction (decision.ts). A bet on an event in play (the board says live, or its
 * start time has passed) first holds its Idempotency-Key (idempotency-key.ts), passes the checks
 * that can refuse it at once (market open, prices vouched for, price, balance), then waits its
 * sport's delay, then is decided in that same one transaction. That transaction checks everything
 * again as it stands then, and also refuses the bet when its market or event became SUSPENDED in
 * Postgres at any moment of the wait (`lastSuspendedAt`). What happened only on the board or in
 * the trust record during the wait, and was over by its end, it does not see. Nothing but the held
 * key is written before the decision, so a restart during the wait moves no money, and the
 * client may send the same key again.
 */

export interface PlacementDeps {
  db: Db;
  redis: Redis;
  /** Waits out the in-play delay, ms (default: a timer). Tests hold it open to look inside the wait. */
  pause?: (ms: number) => Promise<void>;
  /** Waits between looks at a key another request holds, ms (default: a timer). */
  poll?: (ms: number) => Promise<void>;
  /** The most bets decided in one transaction (default GROUP_LIMIT; benches compare 1: one transaction per bet). */
  groupLimit?: number;
}

/** The rules of the parsed environment, with `trust`: whether a sport's prices may be taken now. */
export function placementRules(
  config: Pick<Env, "LIABILITY_LIMIT" | "BET_MIN_STAKE" | "BET_INPLAY_DELAY_MS" | "BET_INPLAY_DELAYS">,
  trust: PlacementRules["trust"],
): PlacementRules {
  return { liabilityLimit: config.LIABILITY_LIMIT, minStake: config.BET_MIN_STAKE, delays: inPlayDelaysOf(config), trust };
}

/** Places one bet for `userId`. Throws only on infrastructure failures (Postgres, Redis). */
export async function placeBet(deps: PlacementDeps, userId: string, request: BetRequest, key: string, rules: PlacementRules): Promise<Placement> {
  const target = await findTarget(deps.db, request);
  if (!target) return nothingPlaced(notFound());
  const requestHash = requestHashOf(request);
  const quote = await liveQuote(deps.redis, target.sport, target.eventId, request.market, request.outcome);
  const delayMs = quote?.inPlay ? inPlayDelayMs(rules.delays, target.sport) : 0;
  if (delayMs > 0) return placeInPlay(deps, userId, request, key, requestHash, target, rules, delayMs);
  try {
    return await decideInGroup(deps.db, deps.redis, { userId, request, target, key, requestHash, held: false, waited: null, rules }, deps.groupLimit);
  } catch (error) {
    // The event went in play between the first look at the board and the decision.
    if (error instanceof MustWait) return placeInPlay(deps, userId, request, key, requestHash, target, rules, error.delayMs);
    // An in-play bet with this body holds the key: placeInPlay waits for its answer.
    if (error instanceof KeyHeld) return placeInPlay(deps, userId, request, key, requestHash, target, rules, inPlayDelayMs(rules.delays, target.sport));
    throw error;
  }
}

async function placeInPlay(
  deps: PlacementDeps,
  userId: string,
  request: BetRequest,
  key: string,
  requestHash: string,
  target: Target,
  rules: PlacementRules,
  delayMs: number,
): Promise<Placement> {
  // A key already decided, or held by another body, answers at once; one this body holds, once decided.
  const earlier = await holdKey(deps.db, userId, key, requestHash, delayMs, deps.poll ?? sleep);
  if (earlier) return nothingPlaced(earlier, false);
  try {
    const ready = await precheck(deps, userId, request, target, rules);
    if ("refusal" in ready) return await underKey(deps.db, userId, key, requestHash, true, async () => nothingPlaced(ready.refusal));
    const started = performance.now();
    await (deps.pause ?? sleep)(delayMs);
    const waited: Waited = { seen: ready.seen, delayedMs: Math.round(performance.now() - started) };
    return await decideInGroup(deps.db, deps.redis, { userId, request, target, key, requestHash, held: true, waited, rules }, deps.groupLimit);
  } catch (error) {
    // Nothing was decided: give the key back, so that a retry need not wait for its deadline.
    await releaseKey(deps.db, userId, key, requestHash);
    throw error;
  }
}

/**
 * The checks that can refuse an in-play bet before its delay, read without locks or writes: the
 * bettor's own limits (no time-out or self-exclusion, the stake within their stake limits), the
 * event and market take bets, the prices are live (rules.trust), the board has the market open,
 * `accept` takes the price, the balance covers the stake. Passing, it returns when the market and
 * event had last been suspended, for the decision to compare with after the wait.
 */
async function precheck(
  deps: PlacementDeps,
  userId: string,
  request: BetRequest,
  target: Target,
  rules: PlacementRules,
): Promise<{ refusal: Decision } | { seen: Suspensions }> {
  const [state, balance, own] = await Promise.all([
    marketState(deps.db, target.marketId, { lock: false }),
    balanceOf(deps.db, userId),
    ownLimitsOf(deps.db, userId, new Date()),
  ]);
  // The bettor's own limits first, as in the decision: no wait would make such a bet go.
  const mine = ownLimitsRefusal(own.block, own.rule, toCents(request.stake));
  if (mine) return { refusal: mine };
  const closed = closedState(state, null);
  if (closed) return { refusal: closed };
  const stale = await rules.trust(target.sport);
  if (stale) return { refusal: pricesStale(stale) };
  const quote = await liveQuote(deps.redis, target.sport, target.eventId, request.market, request.outcome);
  if (!quote?.open) return { refusal: notOnBoard(quote?.closedBy ?? null) };
  if (!accepts(request.accept, request.price, quote.price)) return { refusal: priceChanged(quote.price) };
  if (balance.balance < request.stake) return { refusal: insufficientFunds() };
  // closedState refused a missing row, so `state` is there.
  return { seen: { market: state?.marketSuspendedAt ?? null, event: state?.eventSuspendedAt ?? null } };
}

/**
 * The event's, market's and outcome's rows a bet names, by database. Rows are never deleted and a
 * key never moves to another row, so a target once found stays right; only found ones are kept,
 * and the map starts over when it grows past TARGETS_KEPT.
 */
const targets = new WeakMap<Db, Map<string, Target>>();
const TARGETS_KEPT = 50_000;

async function findTarget(db: Db, request: BetRequest): Promise<Target | null> {
  const id = `${request.eventId}\n${request.market}\n${request.outcome}`;
  let known = targets.get(db);
  if (!known) targets.set(db, (known = new Map()));
  const kept = known.get(id);
  if (kept) return kept;
  const outcome = await db.outcome.findFirst({
    where: { key: request.outcome, market: { key: request.market, eventId: request.eventId } },
    select: { id: true, market: { select: { id: true, event: { select: { sport: true, isEsports: true } } } } },
  });
  const sport = outcome ? boardSport(outcome.market.event) : null;
  if (!outcome || !sport) return null;
  const target = { eventId: request.eventId, sport, marketId: outcome.market.id, outcomeId: outcome.id };
  if (known.size >= TARGETS_KEPT) known.clear();
  known.set(id, target);
  return target;
}

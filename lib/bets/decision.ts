import type { Db, Tx } from "../db";
import { Prisma } from "../generated/prisma/client";
import type { BetView } from "../protocol";
import type { Balance } from "../accounts/ledger";
import type { InPlayDelays } from "./in-play-delay";
import type { PricesStale } from "./price-trust";
import { type Decision, eventClosed, marketClosed, marketSuspended, suspendedDuringDelay } from "./refusal";

/**
 * What deciding a bet needs and answers (docs/bets.md, "One transaction decides"). The decision
 * itself is bet-groups.ts: bets are decided in groups, one transaction each, under their markets'
 * locks.
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

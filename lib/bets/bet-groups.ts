import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { BetBlock } from "../accounts/bettor-limits";
import type { Balance } from "../accounts/ledger";
import { type StakeRule, blockFromRow, stakeRulesOf } from "../accounts/limits-store";
import { fromCents, money, toAmount, toCents } from "../accounts/money";
import type { Db, Tx } from "../db";
import { Prisma } from "../generated/prisma/client";
import { type BetView, potentialReturn } from "../protocol";
import { type MarketState, type Placement, type PlacementRules, type Target, type Waited, MustWait, closedState, nothingPlaced } from "./decision";
import { DECISION_LIMITS, KeyHeld, claimId, claimKeys } from "./idempotency-key";
import { inPlayDelayMs } from "./in-play-delay";
import { type LiveQuote, liveQuote } from "./live-quote";
import type { PricesStale } from "./price-trust";
import {
  type Decision,
  insufficientFunds,
  marketSuspended,
  notOnBoard,
  ownLimitsRefusal,
  priceChanged,
  pricesStale,
  reject,
  suspendedDuringDelay,
} from "./refusal";
import { type BetRequest, accepts } from "./request";
import { retryOnDeadlock } from "./retry";

/**
 * Group commit (docs/bets.md, "Bets are decided in groups"). Bets on one market decide one at a
 * time, under the market's row lock, so that the liability check is exact. Taking that lock, the
 * live price, the trust record and the liability totals, and writing, once per bet capped a hot
 * market near 270 bets a second, and each bet anywhere cost a transaction of its own. Here the bets
 * that arrive while a group is deciding wait together, and the next group decides them all in one
 * transaction: their markets locked once (in id order), each price and each market's totals read
 * once, every bet in arrival order against its market's running totals and its account's running
 * balance, then one statement for everything the group writes. A bet that arrives while no group
 * is deciding is decided at once, alone: grouping adds no wait.
 *
 * Every rule of a single decision holds for each bet of a group: its Idempotency-Key answers once
 * (a key already decided is replayed; a key an in-play bet holds is left to that bet), the price
 * is the board's at the moment of the decision, a balance never goes negative (each account's
 * bets in the group are debited in order, and the account rows are locked), and the liability
 * after every accepted bet is within the limit. A group either commits whole or not at all. When
 * Postgres refuses its writes for what one bet holds (a constraint, a trigger), its bets are
 * decided again one at a time, and only the refused one fails; any other failure (Postgres or
 * Redis unreachable) fails every bet in it. Either way nothing of a failed bet is written.
 */

/** The most bets one transaction decides; more wait for the next group. */
export const GROUP_LIMIT = 64;

/** One bet for the next group. */
export interface GroupBet {
  userId: string;
  request: BetRequest;
  target: Target;
  key: string;
  requestHash: string;
  /** This request held its key through its in-play delay (idempotency-key.ts `holdKey`). */
  held: boolean;
  /** Set for an in-play bet after its delay; a bet without it that finds its event in play gets MustWait. */
  waited: Waited | null;
  rules: PlacementRules;
}

interface Waiting extends GroupBet {
  resolve: (placement: Placement) => void;
  reject: (error: unknown) => void;
}

/**
 * The bets waiting for the next group, whether a group is deciding now, and the most one takes.
 * `wait`: the queue's groups wait for their markets' locks (a side queue, below); otherwise they
 * skip a market another transaction holds.
 */
interface Queue {
  waiting: Waiting[];
  running: boolean;
  limit: number;
  wait: boolean;
}

/**
 * By database (tests run several): the main queue, and a side queue per market. No group waits
 * for an account's lock, and the main queue's groups wait for no market's either: a settlement
 * holding one event's markets and the accounts it pays would otherwise hold up every bet in the
 * process. A bet whose market another transaction holds goes to its market's side queue, whose
 * groups wait for that market's lock, in parallel with the main queue. A bet whose account another
 * transaction holds waits for that account outside any group, then goes back to the main queue.
 */
const queues = new WeakMap<Db, { main?: Queue; byMarket: Map<string, Queue> }>();

/**
 * Decides `bet` with the others that are waiting: resolves with its placement, or rejects with
 * MustWait (it did not wait its in-play delay), KeyHeld (an in-play bet holds its key) or an
 * infrastructure failure. Nothing of it is written in the first two cases. `limit`: the most bets
 * a group takes (1: one transaction per bet, as benches compare); the queue keeps the limit it was
 * made with until it empties.
 */
export function decideInGroup(db: Db, redis: Redis, bet: GroupBet, limit = GROUP_LIMIT): Promise<Placement> {
  return new Promise<Placement>((resolve, reject) => enqueue(db, redis, { ...bet, resolve, reject }, null, limit));
}

/** Puts `bet` in the main queue (`market` null) or in `market`'s side queue, and drains it if idle. */
function enqueue(db: Db, redis: Redis, bet: Waiting, market: string | null, limit: number): void {
  let byDb = queues.get(db);
  if (!byDb) queues.set(db, (byDb = { byMarket: new Map() }));
  const held = byDb;
  let queue = market === null ? held.main : held.byMarket.get(market);
  if (!queue) {
    queue = { waiting: [], running: false, limit, wait: market !== null };
    if (market === null) held.main = queue;
    else held.byMarket.set(market, queue);
  }
  queue.waiting.push(bet);
  if (queue.running) return;
  const forget = () => (market === null ? (held.main = undefined) : held.byMarket.delete(market));
  void drain(db, redis, queue, forget);
}

async function drain(db: Db, redis: Redis, queue: Queue, forget: () => void): Promise<void> {
  queue.running = true;
  while (queue.waiting.length > 0) await decide(db, redis, queue, nextGroup(queue));
  queue.running = false;
  forget();
}

/**
 * Decides `group` in one transaction and answers each of its bets. When Postgres refuses the
 * group's writes for what they hold (`refusedForItsRows`), the group is decided again one bet at a
 * time, in arrival order, so that only the bets it refuses fail; any other failure (Postgres or
 * Redis unreachable, a timeout) would fail each of them alike, and fails the group at once.
 */
async function decide(db: Db, redis: Redis, queue: Queue, group: Waiting[]): Promise<void> {
  try {
    const outcomes = await retryOnDeadlock(() => db.$transaction((tx) => decideGroup(tx, redis, group, queue.wait), DECISION_LIMITS));
    group.forEach((bet, i) => {
      const outcome = outcomes[i]!;
      if (outcome === MARKET_HELD) enqueue(db, redis, bet, bet.target.marketId, queue.limit);
      else if (outcome === ACCOUNT_HELD) {
        waitForAccount(db, bet.userId).then(() => enqueue(db, redis, bet, null, queue.limit), bet.reject);
      } else if (outcome instanceof Error) bet.reject(outcome);
      else bet.resolve(outcome);
    });
  } catch (error) {
    if (group.length > 1 && refusedForItsRows(error)) {
      for (const bet of group) await decide(db, redis, queue, [bet]);
    } else {
      for (const bet of group) bet.reject(error);
    }
  }
}

/**
 * Postgres refused a statement for the rows it would write: SQLSTATE class 22 (data exception),
 * 23 (integrity constraint) or P0 (raised by a trigger or function). The same bets decided apart
 * may pass but for the one that caused it.
 */
function refusedForItsRows(error: unknown): boolean {
  const cause = (error as { meta?: { driverAdapterError?: { cause?: { kind?: unknown; code?: unknown } } } } | null)?.meta?.driverAdapterError?.cause;
  return cause?.kind === "postgres" && typeof cause.code === "string" && /^(22|23|P0)/.test(cause.code);
}

/**
 * Up to the queue's limit of waiting bets, in arrival order. A second bet under the same account and key
 * waits for the next group, to find the first one's answer stored.
 */
function nextGroup(queue: Queue): Waiting[] {
  const group: Waiting[] = [];
  const keys = new Set<string>();
  const later: Waiting[] = [];
  for (const bet of queue.waiting) {
    const id = claimId(bet);
    if (group.length >= queue.limit || keys.has(id)) later.push(bet);
    else {
      keys.add(id);
      group.push(bet);
    }
  }
  queue.waiting = later;
  return group;
}

/** A bet left undecided because another transaction held its market: its market's side queue decides it. */
const MARKET_HELD = Symbol("market held");
/** A bet left undecided because another transaction held its account: it waits for the account, then comes back. */
const ACCOUNT_HELD = Symbol("account held");

/** What a bet of the group came to: its placement, the error to reject it with, or left undecided (nothing of it written either way). */
type Outcome = Placement | MustWait | KeyHeld | typeof MARKET_HELD | typeof ACCOUNT_HELD;

/** Waits until no other transaction holds the account's row (taking and giving back its lock at once). */
async function waitForAccount(db: Db, userId: string): Promise<void> {
  await db.$transaction((tx) => tx.$queryRaw`SELECT 1 FROM "User" WHERE "id" = ${userId}::uuid FOR UPDATE`, DECISION_LIMITS);
}

/** An accepted bet, to be written with the rest of its group. */
interface Accepted {
  index: number;
  bet: BetView;
  betId: string;
  outcomeId: string;
  /** The account's balance after this bet (its debits in the group come in order). */
  balanceAfter: number;
}

/**
 * The whole group's decision, in one transaction: its markets and accounts locked in id order, then
 * each bet in arrival order against its market's running totals and its account's running balance.
 * A market another transaction holds is waited for with `wait`, else skipped with its bets; an
 * account another transaction holds is skipped with its bets.
 */
async function decideGroup(tx: Tx, redis: Redis, group: GroupBet[], wait: boolean): Promise<Outcome[]> {
  const states = await lockMarkets(tx, [...new Set(group.map((bet) => bet.target.marketId))].sort(), wait);
  // The clock is read once the markets are held: whether an event has started is judged at the decision.
  const now = Date.now();
  const [stale, quotes] = await Promise.all([trustOf(group), quotesOf(redis, group, now)]);
  const outcomes: (Outcome | undefined)[] = group.map((bet) => {
    if (!wait && !states.has(bet.target.marketId)) return MARKET_HELD;
    const quote = quotes.get(quoteKey(bet));
    const delayMs = quote?.open && quote.inPlay ? inPlayDelayMs(bet.rules.delays, bet.target.sport) : 0;
    return !bet.waited && delayMs > 0 ? new MustWait(delayMs) : undefined;
  });
  const users = [...new Set(group.filter((_, i) => outcomes[i] === undefined).map((bet) => bet.userId))].sort();
  const { balances, held, blocks, limited } = await lockBalances(tx, users, new Date(now));
  group.forEach((bet, i) => {
    if (outcomes[i] === undefined && held.has(bet.userId)) outcomes[i] = ACCOUNT_HELD;
  });
  const claims = await claimKeys(
    tx,
    group.filter((_, i) => outcomes[i] === undefined),
  );
  group.forEach((bet, i) => {
    if (outcomes[i] !== undefined) return;
    const claim = claims.get(claimId(bet));
    if (claim === "held") outcomes[i] = new KeyHeld();
    else if (claim) outcomes[i] = nothingPlaced(claim, false);
  });

  const deciding = group.map((_, i) => i).filter((i) => outcomes[i] === undefined);
  if (deciding.length === 0) return outcomes as Outcome[];
  const [totals, stakeRules] = await Promise.all([
    liabilityTotals(tx, [...new Set(deciding.map((i) => group[i]!.target.marketId))]),
    // Only accounts with a stake limit: usually none, and then no query.
    stakeRulesOf(
      tx,
      [...new Set(deciding.map((i) => group[i]!.userId))].filter((id) => limited.has(id)),
      new Date(now),
    ),
  ]);
  const accepted: Accepted[] = [];
  /** The markets a bet of this group filled up, to be suspended. */
  const filled = new Set<string>();
  const placedAt = new Date(now);
  for (const i of deciding) {
    const bet = group[i]!;
    const { marketId, outcomeId } = bet.target;
    const rule = stakeRules.get(bet.userId);
    const refusal = (): Decision | null => {
      // The bettor's own limits first: no price or market change would make such a bet go.
      const mine = ownLimitsRefusal(blocks.get(bet.userId), rule, toCents(bet.request.stake));
      if (mine) return mine;
      if (filled.has(marketId)) return bet.waited ? suspendedDuringDelay() : marketSuspended();
      const closed = closedState(states.get(marketId), bet.waited?.seen ?? null);
      if (closed) return closed;
      const why = stale.get(bet.rules.trust)?.get(bet.target.sport);
      if (why) return pricesStale(why);
      return null;
    };
    const early = refusal();
    if (early) {
      outcomes[i] = nothingPlaced(early);
      continue;
    }
    const quote = quotes.get(quoteKey(bet));
    const market = totals.get(marketId) ?? { payout: new Map<string, number>(), stakes: 0 };
    totals.set(marketId, market);
    if (!quote?.open) outcomes[i] = nothingPlaced(notOnBoard(quote?.closedBy ?? null));
    else if (!accepts(bet.request.accept, bet.request.price, quote.price)) outcomes[i] = nothingPlaced(priceChanged(quote.price));
    else {
      const { stake } = bet.request;
      const over = overLiability(market, outcomeId, stake, quote.price, bet.rules);
      if (over === "suspend") {
        filled.add(marketId);
        outcomes[i] = {
          ...nothingPlaced(reject(409, "liability_limit", "this market has taken all it can and is suspended")),
          suspended: { marketId, liability: liabilityOf(market, outcomeId) },
        };
      } else if (over) outcomes[i] = nothingPlaced(over);
      else if ((balances.get(bet.userId) ?? 0) < toCents(stake)) outcomes[i] = nothingPlaced(insufficientFunds());
      else {
        const balanceAfter = balances.get(bet.userId)! - toCents(stake);
        balances.set(bet.userId, balanceAfter);
        if (rule) addStaked(rule, toCents(stake));
        addToTotals(market, outcomeId, stake, quote.price);
        const betId = randomUUID();
        accepted.push({ index: i, betId, outcomeId, balanceAfter, bet: betView(betId, bet, quote, placedAt) });
      }
    }
  }

  if (filled.size > 0) await tx.market.updateMany({ where: { id: { in: [...filled] } }, data: { status: "SUSPENDED" } });
  for (const i of deciding) {
    const refused = outcomes[i] as Placement | undefined;
    const waited = group[i]!.waited;
    if (refused && waited) outcomes[i] = withDelay(refused, waited.delayedMs);
  }
  const entries = await writeGroup(tx, group, deciding, outcomes, accepted, placedAt);
  for (const { index, bet, balanceAfter } of accepted) {
    const balance: Balance = { balance: fromCents(balanceAfter), entry: entries.get(bet.id) ?? 0 };
    const body = { bet, balance: balance.balance, balanceEntry: balance.entry, delayedMs: group[index]!.waited?.delayedMs ?? 0 };
    outcomes[index] = { decision: { status: 201, body }, fresh: true, placed: { bet, balance }, suspended: null };
  }
  return outcomes as Outcome[];
}

/**
 * Locks the markets in id order (two groups never deadlock on them) and returns each one's and its
 * event's statuses and last suspensions (decision.ts `closedState` reads them); a market that is
 * gone is missing, and so, unless `wait`, is one another transaction holds.
 */
async function lockMarkets(tx: Tx, marketIds: string[], wait: boolean): Promise<Map<string, MarketState>> {
  const rows = await tx.$queryRaw<(MarketState & { id: string })[]>`
    SELECT m."id"::text AS id, m."status"::text AS market, e."status"::text AS event,
           m."lastSuspendedAt"::text AS "marketSuspendedAt", e."lastSuspendedAt"::text AS "eventSuspendedAt"
    FROM "Market" m JOIN "Event" e ON e."id" = m."eventId"
    WHERE m."id" = ANY(${marketIds}::uuid[])
    ORDER BY m."id" FOR UPDATE OF m ${wait ? Prisma.empty : Prisma.sql`SKIP LOCKED`}`;
  return new Map(rows.map(({ id, ...state }) => [id, state]));
}

/** Each distinct trust check of the group, asked once per sport (the web app has one check per process). */
async function trustOf(group: GroupBet[]): Promise<Map<PlacementRules["trust"], Map<string, PricesStale | null>>> {
  const asks = new Map<PlacementRules["trust"], Set<string>>();
  for (const bet of group) asks.set(bet.rules.trust, (asks.get(bet.rules.trust) ?? new Set()).add(bet.target.sport));
  const answers = new Map<PlacementRules["trust"], Map<string, PricesStale | null>>();
  await Promise.all(
    [...asks].flatMap(([trust, sports]) =>
      [...sports].map(async (sport) => {
        const why = await trust(sport);
        answers.set(trust, (answers.get(trust) ?? new Map()).set(sport, why));
      }),
    ),
  );
  return answers;
}

/** Which outcome of which market of which event a bet names. */
const quoteKey = (bet: GroupBet) => `${bet.target.sport}\n${bet.target.eventId}\n${bet.request.market}\n${bet.request.outcome}`;

/** The board's quote of each outcome the group bets on, read under the markets' locks. */
async function quotesOf(redis: Redis, group: GroupBet[], now: number): Promise<Map<string, LiveQuote | null>> {
  const bets = [...new Map(group.map((bet) => [quoteKey(bet), bet])).values()];
  const quotes = await Promise.all(bets.map((bet) => liveQuote(redis, bet.target.sport, bet.target.eventId, bet.request.market, bet.request.outcome, now)));
  return new Map(bets.map((bet, i) => [quoteKey(bet), quotes[i] ?? null]));
}

/** The market's liability totals, in cents: what each outcome's open bets would pay, and every open stake. */
interface Totals {
  payout: Map<string, number>;
  stakes: number;
}

/** Each market's liability totals. */
async function liabilityTotals(tx: Tx, marketIds: string[]): Promise<Map<string, Totals>> {
  const rows = await tx.$queryRaw<{ id: string; marketId: string; payout: string; stake: string }[]>`
    SELECT "id"::text AS id, "marketId"::text AS "marketId", "payoutTotal"::text AS payout, "stakeTotal"::text AS stake
    FROM "Outcome" WHERE "marketId" = ANY(${marketIds}::uuid[])`;
  const totals = new Map<string, Totals>();
  for (const row of rows) {
    let market = totals.get(row.marketId);
    if (!market) totals.set(row.marketId, (market = { payout: new Map(), stakes: 0 }));
    market.payout.set(row.id, toCents(toAmount(row.payout)));
    market.stakes += toCents(toAmount(row.stake));
  }
  return totals;
}

/** The house's loss if `outcomeId` wins, in the site's currency. */
const liabilityOf = (totals: Totals, outcomeId: string) => fromCents((totals.payout.get(outcomeId) ?? 0) - totals.stakes);

function addToTotals(totals: Totals, outcomeId: string, stake: number, price: number): void {
  totals.payout.set(outcomeId, (totals.payout.get(outcomeId) ?? 0) + toCents(potentialReturn(stake, price)));
  totals.stakes += toCents(stake);
}

/**
 * Refuses a bet that would take the house's loss on its outcome past the limit, saying the largest
 * stake it could take; "suspend" when not even the smallest stake fits (the market is suspended and
 * the admins told, so bettors stop trying). A bet adds stake × (price − 1) to the loss.
 */
function overLiability(totals: Totals, outcomeId: string, stake: number, price: number, rules: PlacementRules): Decision | "suspend" | null {
  const room = rules.liabilityLimit - liabilityOf(totals, outcomeId);
  if (potentialReturn(stake, price) - stake <= room) return null;
  const largest = Math.floor((room / (price - 1)) * 100) / 100;
  if (largest < rules.minStake) return "suspend";
  return reject(409, "liability_limit", `this market can take at most ${money(largest)} on this outcome right now`, { maxStake: largest });
}

/** The accounts of a group, as locked. */
interface Accounts {
  /** Balances in cents. */
  balances: Map<string, number>;
  /** The accounts another transaction holds. */
  held: Set<string>;
  /** The accounts whose bettor took a time-out or excluded themself, and until when. */
  blocks: Map<string, BetBlock>;
  /** The accounts with a stake limit set (in force or waiting). */
  limited: Set<string>;
}

/**
 * Locks the accounts that are free (in id order, so two groups never deadlock on them) and reads
 * their balances and their bettors' own limits: a time-out or self-exclusion holding at `now`, and
 * whether any stake limit is set. An account that is gone is in none of them, and its bets find no
 * balance. Holding the account's row also orders each bet against any change of those limits.
 */
async function lockBalances(tx: Tx, userIds: string[], now: Date): Promise<Accounts> {
  if (userIds.length === 0) return { balances: new Map(), held: new Set(), blocks: new Map(), limited: new Set() };
  const rows = await tx.$queryRaw<{ id: string; balance: string; betsBlockedUntil: Date | null; betsBlockKind: string | null; limited: boolean }[]>`
    SELECT u."id"::text AS id, u."balance"::text AS balance, u."betsBlockedUntil", u."betsBlockKind"::text AS "betsBlockKind",
           EXISTS (SELECT 1 FROM "StakeLimit" l WHERE l."userId" = u."id") AS limited
    FROM "User" u WHERE u."id" = ANY(${userIds}::uuid[])
    ORDER BY u."id" FOR UPDATE OF u SKIP LOCKED`;
  const balances = new Map(rows.map((row) => [row.id, toCents(toAmount(row.balance))]));
  const blocks = new Map(
    rows.flatMap((row) => {
      const block = blockFromRow(row, now);
      return block ? [[row.id, block] as const] : [];
    }),
  );
  const limited = new Set(rows.filter((row) => row.limited).map((row) => row.id));
  const missing = userIds.filter((id) => !balances.has(id));
  if (missing.length === 0) return { balances, held: new Set(), blocks, limited };
  const exist = await tx.$queryRaw<{ id: string }[]>`SELECT "id"::text AS id FROM "User" WHERE "id" = ANY(${missing}::uuid[])`;
  return { balances, held: new Set(exist.map((row) => row.id)), blocks, limited };
}

/** Counts an accepted stake (cents) in every window of the bettor's stake rule. */
function addStaked(rule: StakeRule, cents: number): void {
  rule.staked = { day: rule.staked.day + cents, week: rule.staked.week + cents, month: rule.staked.month + cents };
}

/**
 * Writes what the group decided, in one statement: each account's balance moves by its stakes, one
 * ledger entry per accepted bet (numbered in the group's order, each with the balance after it),
 * the bet rows (the pool trigger moves the outcome totals), and every decided key's answer (an
 * accepted bet's with its ledger entry's id). `outcomes` holds the refusals; the accepted bets'
 * answers are built here. Returns each accepted bet's ledger entry id.
 */
async function writeGroup(
  tx: Tx,
  group: GroupBet[],
  deciding: number[],
  outcomes: (Outcome | undefined)[],
  accepted: Accepted[],
  placedAt: Date,
): Promise<Map<string, number>> {
  const debits = new Map<string, number>();
  for (const { index } of accepted) {
    const { userId, request } = group[index]!;
    debits.set(userId, (debits.get(userId) ?? 0) + toCents(request.stake));
  }
  const users = accepted.map((a) => group[a.index]!.userId);
  const byIndex = new Map(accepted.map((a) => [a.index, a]));
  const answers = deciding.map((i) => {
    const taken = byIndex.get(i);
    const decision: Decision = taken
      ? { status: 201, body: { bet: taken.bet, balance: fromCents(taken.balanceAfter), balanceEntry: 0, delayedMs: group[i]!.waited?.delayedMs ?? 0 } }
      : (outcomes[i] as Placement).decision;
    return { bet: group[i]!, decision, betId: taken?.betId ?? null };
  });
  const rows = await tx.$queryRaw<{ betId: string; entry: bigint }[]>`
    WITH debit AS (
      UPDATE "User" AS u SET "balance" = u."balance" - d.amount
      FROM unnest(${[...debits.keys()]}::uuid[], ${[...debits.values()].map((c) => money(fromCents(c)))}::numeric[]) AS d(id, amount)
      WHERE u."id" = d.id
    ), ledger AS (
      INSERT INTO "LedgerEntry" ("userId", "kind", "amount", "balance", "betId")
      SELECT u, 'STAKE'::"LedgerKind", -s, b, bet
      FROM unnest(${users}::uuid[], ${accepted.map((a) => money(a.bet.stake))}::numeric[],
                  ${accepted.map((a) => money(fromCents(a.balanceAfter)))}::numeric[], ${accepted.map((a) => a.betId)}::uuid[])
           WITH ORDINALITY AS t(u, s, b, bet, n)
      ORDER BY n
      RETURNING "betId", "id"
    ), bets AS (
      INSERT INTO "Bet" ("id", "userId", "outcomeId", "stake", "price", "point", "createdAt")
      SELECT id, u, o, s, p, pt, ${placedAt}
      FROM unnest(${accepted.map((a) => a.betId)}::uuid[], ${users}::text[], ${accepted.map((a) => a.outcomeId)}::uuid[],
                  ${accepted.map((a) => money(a.bet.stake))}::numeric[], ${accepted.map((a) => a.bet.price)}::float8[],
                  ${accepted.map((a) => a.bet.point)}::float8[]) AS t(id, u, o, s, p, pt)
    ), answers AS (
      UPDATE "IdempotentRequest" AS r
      SET "status" = d.status, "deadline" = NULL,
          "response" = CASE WHEN l."id" IS NULL THEN d.response ELSE jsonb_set(d.response, '{balanceEntry}', to_jsonb(l."id")) END
      FROM unnest(${answers.map((a) => a.bet.userId)}::uuid[], ${answers.map((a) => a.bet.key)}::text[], ${answers.map((a) => a.decision.status)}::int[],
                  ${answers.map((a) => JSON.stringify(a.decision.body))}::jsonb[], ${answers.map((a) => a.betId)}::uuid[]) AS d(u, k, status, response, bet)
           LEFT JOIN ledger l ON l."betId" = d.bet
      WHERE r."userId" = d.u AND r."key" = d.k
    )
    SELECT "betId"::text AS "betId", "id" AS entry FROM ledger`;
  return new Map(rows.map((row) => [row.betId, Number(row.entry)]));
}

/** Says in a refusal how long the bet waited (ms); a placed bet's answer already does. */
function withDelay(placement: Placement, delayedMs: number): Placement {
  const { body } = placement.decision;
  if (typeof body.error !== "object" || body.error === null) return placement;
  return { ...placement, decision: { ...placement.decision, body: { ...body, error: { ...body.error, delayedMs } } } };
}

function betView(id: string, bet: GroupBet, quote: LiveQuote, placedAt: Date): BetView {
  const { request } = bet;
  return {
    id,
    eventId: bet.target.eventId,
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
}

// Over 300 lines: every way an in-play bet's delay can end (taken, price moved, suspended, retried, its process dead), against one stack.
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { signUp } from "../../lib/accounts/accounts";
import { balanceOf } from "../../lib/accounts/ledger";
import { liveQuote } from "../../lib/bets/live-quote";
import { type Placement, type PlacementRules, placeBet } from "../../lib/bets/placement";
import { refusalOf } from "../../lib/bets/price-trust";
import type { BetRequest } from "../../lib/bets/request";
import type { Db } from "../../lib/db";
import { KEYS, type TrustRecord, parseStoredEvent } from "../../lib/protocol";
import { type BettingServices, startBettingServices } from "../support/betting";
import { until } from "../support/full-stack";

/**
 * The in-play delay on real Postgres and Redis, priced by the real publisher. Each bet's wait is
 * held open by the test (a real 1 s timer that also waits for the test's release), so what
 * happens during the wait is done, and what must not have happened yet is checked, while the bet
 * is known to be waiting. A request waiting for another's answer under its key says so through
 * `poll`, so the test knows it is waiting before it lets the other go on.
 */
describe("in-play bets", () => {
  let services: BettingServices;
  let db: Db;
  let client: Redis;
  const DELAY_MS = 1_000;
  const rules: PlacementRules = { liabilityLimit: 1_000_000, minStake: 1, delays: { defaultMs: DELAY_MS, bySport: {} }, trust: async () => null };

  beforeAll(async () => {
    services = await startBettingServices(inject("pgServerUrl"), "in_play_bets", "icehockey_nhl");
    ({ db, redis: client } = services);
  });

  afterAll(async () => {
    await services?.stop();
  });

  /**
   * A bet whose delay the test holds: `waiting` resolves when it starts to wait its delay,
   * `release()` lets it go on, `delays` lists the delays it waited; `polling` resolves when it
   * starts to wait for another request's answer under its key.
   */
  function heldBet(userId: string, request: BetRequest, key = randomUUID(), limits = rules) {
    let started: (ms: number) => void = () => {};
    let early: (error: Error) => void = () => {};
    let polled: () => void = () => {};
    let release: () => void = () => {};
    const waiting = new Promise<number>((resolve, reject) => {
      started = resolve;
      early = reject;
    });
    const polling = new Promise<void>((resolve) => (polled = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    const delays: number[] = [];
    const pause = async (ms: number) => {
      delays.push(ms);
      started(ms);
      await Promise.all([sleep(ms), released]);
    };
    const poll = async (ms: number) => {
      polled();
      await sleep(ms);
    };
    const placement = placeBet({ db, redis: client, pause, poll }, userId, request, key, limits);
    // Answered before it waited: `waiting` says so rather than hanging (a no-op once it waited).
    void placement.finally(() => early(new Error("the bet was answered without waiting its delay"))).catch(() => {});
    void waiting.catch(() => {});
    return { waiting, polling, release, placement, key, delays };
  }

  /** A bet that must be decided without waiting at all: neither a delay nor another's answer. */
  const immediate = (userId: string, request: BetRequest, key = randomUUID(), limits = rules): Promise<Placement> => {
    const never = () => Promise.reject(new Error("this bet must not wait"));
    return placeBet({ db, redis: client, pause: never, poll: never }, userId, request, key, limits);
  };

  const bettor = async (balance = 1_000) => (await signUp(db, { email: `${randomUUID()}@in-play.test`, password: "long enough" }, balance)).id;

  /** The n-th in-play (or pre-match) event of a sport and one of its outcomes, with the board's price. */
  async function pick(sport: string, market: string, outcome: string, phase: "LIVE" | "PREMATCH" = "LIVE", skip = 0) {
    const event = await db.event.findFirstOrThrow({ where: { sport, phase, status: "ACTIVE" }, orderBy: { startsAt: "asc" }, skip, select: { id: true } });
    const quote = await liveQuote(client, sport, event.id, market, outcome);
    if (!quote) throw new Error("not on the board");
    expect(quote.inPlay).toBe(phase === "LIVE");
    return { sport, eventId: event.id, market, outcome, price: quote.price };
  }
  const request = (p: Awaited<ReturnType<typeof pick>>, stake: number, accept: BetRequest["accept"]): BetRequest => ({
    eventId: p.eventId,
    market: p.market,
    outcome: p.outcome,
    price: p.price,
    stake,
    accept,
  });

  /** Money is neither created nor lost: balance and ledger agree, and with the open stakes make up the start. */
  async function expectMoney(userId: string, start: number, balance: number) {
    expect((await balanceOf(db, userId)).balance).toBeCloseTo(balance, 2);
    const ledger = await db.ledgerEntry.aggregate({ where: { userId }, _sum: { amount: true } });
    expect(Number(ledger._sum.amount ?? 0)).toBeCloseTo(balance, 2);
    const stakes = await db.bet.aggregate({ where: { userId, status: "OPEN" }, _sum: { stake: true } });
    expect(balance + Number(stakes._sum.stake ?? 0)).toBeCloseTo(start, 2);
  }

  /** Nothing of the bet under `key` is decided: no bet, no answer stored (the key at most held), the balance untouched. */
  async function expectUndecided(userId: string, key: string, start: number) {
    expect(await db.bet.count({ where: { userId } })).toBe(0);
    expect(await db.idempotentRequest.count({ where: { userId, key, status: { not: 0 } } })).toBe(0);
    await expectMoney(userId, start, start);
  }

  /** The key's row: held (status 0, with a deadline) while its bet waits. */
  const keyRow = (userId: string, key: string) =>
    db.idempotentRequest.findUnique({ where: { userId_key: { userId, key } }, select: { status: true, requestHash: true, deadline: true } });

  it("an in-play bet unchanged during its delay is taken after it, and not before; a pre-match bet does not wait", async () => {
    const user = await bettor();
    const p = await pick("icehockey_nhl", "h2h", "home");
    const bet = heldBet(user, request(p, 25, "exact"));
    expect(await bet.waiting).toBe(DELAY_MS);
    await expectUndecided(user, bet.key, 1_000);
    expect(await keyRow(user, bet.key)).toMatchObject({ status: 0, deadline: expect.any(Date) });
    bet.release();
    const placed = await bet.placement;
    expect(placed.decision.status).toBe(201);
    expect(placed.decision.body.delayedMs).toBeGreaterThanOrEqual(DELAY_MS);
    expect(placed.placed?.bet).toMatchObject({ price: p.price, stake: 25, status: "open" });
    expect(await db.bet.count({ where: { userId: user } })).toBe(1);
    await expectMoney(user, 1_000, 975);

    const prematch = await immediate(user, request(await pick("icehockey_nhl", "h2h", "home", "PREMATCH"), 10, "any"));
    expect(prematch.decision).toMatchObject({ status: 201, body: { delayedMs: 0 } });
    await expectMoney(user, 1_000, 965);
  });

  it("refused when the price moved past `accept` during the delay, with the price now", async () => {
    const user = await bettor();
    const p = await pick("icehockey_nhl", "h2h", "away", "LIVE", 1);
    const bet = heldBet(user, request(p, 30, "exact"));
    await bet.waiting;
    await db.$executeRaw`UPDATE "BookPrice" bp SET price = round((bp.price * 1.25)::numeric, 2)::float8 FROM "Outcome" o JOIN "Market" m ON m.id = o."marketId" WHERE bp."outcomeId" = o.id AND m."eventId" = ${p.eventId}::uuid AND m.key = 'h2h' AND o.key = 'away'`;
    await until(async () => ((await liveQuote(client, p.sport, p.eventId, "h2h", "away"))?.price ?? p.price) !== p.price, 10_000, "a new price on the board");
    const now = (await liveQuote(client, p.sport, p.eventId, "h2h", "away"))?.price;
    bet.release();
    const refused = await bet.placement;
    expect(refused.decision).toMatchObject({ status: 409, body: { error: { code: "price_changed", price: now, delayedMs: expect.any(Number) } } });
    expect(refused.placed).toBeNull();
    await expectMoney(user, 1_000, 1_000);
    // The refusal is the key's answer: sent again, the key gets it at once.
    const again = await immediate(user, request(p, 30, "exact"), bet.key);
    expect(again).toMatchObject({ fresh: false, decision: refused.decision });
  });

  it("refused when the market, or its event, was suspended during the delay, even though open again", async () => {
    const user = await bettor();
    const market = await pick("americanfootball_nfl", "totals", "over");
    const event = await pick("americanfootball_nfl", "h2h", "home", "LIVE", 1);
    const onMarket = heldBet(user, request(market, 10, "any"));
    const onEvent = heldBet(user, request(event, 20, "any"));
    await Promise.all([onMarket.waiting, onEvent.waiting]);
    await db.$executeRaw`UPDATE "Market" SET status = 'SUSPENDED' WHERE "eventId" = ${market.eventId}::uuid AND key = 'totals'`;
    await db.$executeRaw`UPDATE "Event" SET status = 'SUSPENDED' WHERE id = ${event.eventId}::uuid`;
    await until(
      async () => (await liveQuote(client, market.sport, market.eventId, "totals", "over"))?.open === false,
      10_000,
      "the market suspended on the board",
    );
    await until(
      async () => (await liveQuote(client, event.sport, event.eventId, "h2h", "home"))?.closedBy === "event",
      10_000,
      "the event suspended on the board",
    );
    await db.$executeRaw`UPDATE "Market" SET status = 'OPEN' WHERE "eventId" = ${market.eventId}::uuid AND key = 'totals'`;
    await db.$executeRaw`UPDATE "Event" SET status = 'ACTIVE' WHERE id = ${event.eventId}::uuid`;
    await until(async () => (await liveQuote(client, market.sport, market.eventId, "totals", "over"))?.open === true, 10_000, "the market open again");
    await until(async () => (await liveQuote(client, event.sport, event.eventId, "h2h", "home"))?.open === true, 10_000, "the event open again");
    onMarket.release();
    onEvent.release();
    const during = {
      status: 409,
      body: { error: { code: "market_suspended", reason: "suspended_during_delay", message: expect.stringContaining("suspended during the in-play delay") } },
    };
    expect((await onMarket.placement).decision).toMatchObject(during);
    expect((await onEvent.placement).decision).toMatchObject(during);
    await expectMoney(user, 1_000, 1_000);
    // A new bet on the reopened market waits and is taken.
    const fresh = heldBet(user, request(await pick("americanfootball_nfl", "totals", "over"), 10, "any"));
    await fresh.waiting;
    fresh.release();
    expect((await fresh.placement).decision.status).toBe(201);
    await expectMoney(user, 1_000, 990);
  });

  it("the same key and body again during the delay waits for the first's answer: one bet, the answer replayed", async () => {
    const user = await bettor();
    const p = await pick("soccer_epl", "h2h", "draw");
    const key = randomUUID();
    const first = heldBet(user, request(p, 40, "any"), key);
    await first.waiting;
    const second = heldBet(user, request(p, 40, "any"), key);
    await second.polling;
    await expectUndecided(user, key, 1_000);
    first.release();
    const [placed, replayed] = await Promise.all([first.placement, second.placement]);
    expect(placed).toMatchObject({ fresh: true, decision: { status: 201 } });
    expect(replayed).toMatchObject({ fresh: false, placed: null, decision: placed.decision });
    expect(await db.bet.count({ where: { userId: user } })).toBe(1);
    await expectMoney(user, 1_000, 960);
    // It never waited a delay of its own: its answer was the first's.
    expect(second.delays).toEqual([]);
  });

  it("the same key with another body during the delay is refused at once, and the waiting bet is still taken", async () => {
    const user = await bettor();
    const p = await pick("soccer_epl", "h2h", "home");
    const key = randomUUID();
    const bet = heldBet(user, request(p, 20, "any"), key);
    await bet.waiting;
    const held = await keyRow(user, key);
    const reused = { status: 422, body: { error: { code: "idempotency_key_reused" } } };
    // A body the checks before the delay would refuse (a price that is not the board's), and a
    // pre-match bet on another selection: neither waits, and neither touches the held key.
    expect((await immediate(user, { ...request(p, 20, "exact"), price: p.price + 0.5 }, key)).decision).toMatchObject(reused);
    expect((await immediate(user, request(await pick("icehockey_nhl", "h2h", "away", "PREMATCH", 1), 5, "any"), key)).decision).toMatchObject(reused);
    expect(await keyRow(user, key)).toEqual(held);
    await expectUndecided(user, key, 1_000);
    bet.release();
    expect(await bet.placement).toMatchObject({ fresh: true, decision: { status: 201 } });
    await expectMoney(user, 1_000, 980);
  });

  it("a wait that fails gives its key back, and the same key places the bet afterwards", async () => {
    const user = await bettor();
    const p = await pick("soccer_epl", "totals", "under");
    const key = randomUUID();
    const failing = placeBet({ db, redis: client, pause: () => Promise.reject(new Error("the wait failed")) }, user, request(p, 15, "any"), key, rules);
    await expect(failing).rejects.toThrow("the wait failed");
    await expectUndecided(user, key, 1_000);
    expect(await keyRow(user, key)).toBeNull();
    const retry = heldBet(user, request(p, 15, "any"), key);
    await retry.waiting;
    retry.release();
    expect(await retry.placement).toMatchObject({ fresh: true, decision: { status: 201 } });
    await expectMoney(user, 1_000, 985);
  });

  it("a key held by a process that died is taken over by a retry past its deadline; one bet, however the two wake", async () => {
    const user = await bettor();
    const p = await pick("basketball_nba", "h2h", "away", "LIVE", 1);
    const key = randomUUID();
    // The process that died: its wait never ends (until the test lets it, below).
    const dead = heldBet(user, request(p, 25, "any"), key);
    await dead.waiting;
    const retry = heldBet(user, request(p, 25, "any"), key);
    await retry.polling;
    // Before the deadline the retry waits for the holder's answer; once it passes (moved here rather than waited for), the retry holds the key.
    await db.$executeRaw`UPDATE "IdempotentRequest" SET "deadline" = (clock_timestamp() AT TIME ZONE 'UTC') - interval '1 second' WHERE "userId" = ${user}::uuid AND "key" = ${key}`;
    expect(await retry.waiting).toBe(DELAY_MS);
    await expectUndecided(user, key, 1_000);
    retry.release();
    expect(await retry.placement).toMatchObject({ fresh: true, decision: { status: 201 } });
    // The old holder wakes after all: the key is decided, so it answers with the retry's bet.
    dead.release();
    expect(await dead.placement).toMatchObject({ fresh: false, placed: null, decision: (await retry.placement).decision });
    expect(await db.bet.count({ where: { userId: user } })).toBe(1);
    await expectMoney(user, 1_000, 975);
  });

  it("refuses at once, without waiting, what it can: a moved price, a short balance, a suspended market", async () => {
    const user = await bettor(5);
    const p = await pick("soccer_epl", "spreads", "home", "LIVE", 1);
    expect((await immediate(user, { ...request(p, 10, "exact"), price: p.price + 0.5 })).decision).toMatchObject({
      status: 409,
      body: { error: { code: "price_changed", price: p.price } },
    });
    const poor = await immediate(user, request(p, 10, "any"));
    expect(poor.decision).toMatchObject({ status: 422, body: { error: { code: "insufficient_funds" } } });
    await db.$executeRaw`UPDATE "Market" SET status = 'SUSPENDED' WHERE "eventId" = ${p.eventId}::uuid AND key = 'spreads'`;
    expect((await immediate(user, request(p, 1, "any"))).decision).toMatchObject({
      status: 409,
      body: { error: { code: "market_suspended", message: "this market is suspended" } },
    });
    await db.$executeRaw`UPDATE "Market" SET status = 'OPEN' WHERE "eventId" = ${p.eventId}::uuid AND key = 'spreads'`;
    await expectMoney(user, 5, 5);
  });

  it("with the trust check: refused while nobody vouches for the prices, before and after the delay; taken while the leader does", async () => {
    // The record is the test's own (this stack's publisher writes the real one every second and
    // would race a record written into Redis); reading the real one is tests/e2e/trust.test.ts's part.
    let record: TrustRecord | null = null;
    const trusted: PlacementRules = { ...rules, trust: async (sport) => refusalOf(record, sport) };
    const user = await bettor();
    const live = await pick("basketball_nba", "h2h", "home");
    const prematch = await pick("basketball_nba", "h2h", "away", "PREMATCH");
    const stale = { status: 409, body: { error: { code: "prices_stale", reason: "publisher_down" } } };
    expect((await immediate(user, request(live, 10, "any"), randomUUID(), trusted)).decision).toMatchObject(stale);
    expect((await immediate(user, request(prematch, 10, "any"), randomUUID(), trusted)).decision).toMatchObject(stale);
    const vouch = (changes: Partial<TrustRecord> = {}) => {
      record = {
        v: 1,
        at: Date.now(),
        instanceId: "test",
        publisher: { status: "ok", reason: null },
        producer: { name: null, state: "none", reason: null, since: 0 },
        staleSports: {},
        ...changes,
      };
    };
    vouch();
    expect((await immediate(user, request(prematch, 10, "any"), randomUUID(), trusted)).decision.status).toBe(201);
    const bet = heldBet(user, request(live, 10, "any"), randomUUID(), trusted);
    await bet.waiting;
    vouch({ staleSports: { basketball_nba: "no fresh prices for 12 s" } });
    bet.release();
    expect((await bet.placement).decision).toMatchObject({
      status: 409,
      body: { error: { code: "prices_stale", reason: "sport_stale", delayedMs: expect.any(Number) } },
    });
    await expectMoney(user, 1_000, 990);
  });

  it("an event past its start time takes bets only after the delay, while the board still says pre-match", async () => {
    const user = await bettor();
    const p = await pick("icehockey_nhl", "h2h", "away", "PREMATCH", 3);
    await db.$executeRaw`UPDATE "Event" SET "startsAt" = now() - interval '1 minute' WHERE id = ${p.eventId}::uuid`;
    await until(async () => (await liveQuote(client, p.sport, p.eventId, "h2h", "away"))?.inPlay === true, 10_000, "the new start time on the board");
    expect(parseStoredEvent((await client.hget(KEYS.sportState(p.sport), p.eventId)) ?? "")?.phase).toBe("prematch");
    const bet = heldBet(user, request(p, 10, "any"));
    expect(await bet.waiting).toBe(DELAY_MS);
    await expectUndecided(user, bet.key, 1_000);
    bet.release();
    const placed = await bet.placement;
    expect(placed.decision.status).toBe(201);
    expect(placed.decision.body.delayedMs).toBeGreaterThanOrEqual(DELAY_MS);
    await expectMoney(user, 1_000, 990);
  });

  it("a bet that finds its event gone in play when it is decided waits the delay after all", async () => {
    const user = await bettor();
    const p = await pick("americanfootball_nfl", "h2h", "home", "PREMATCH");
    const market = await db.market.findFirstOrThrow({ where: { eventId: p.eventId, key: "h2h" }, select: { id: true } });
    // Hold the market's row, so the bet (judged pre-match at its first look) stops at the decision's lock.
    let locked: () => void = () => {};
    let unlock: () => void = () => {};
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const unlocked = new Promise<void>((resolve) => (unlock = resolve));
    const holder = db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1 FROM "Market" WHERE id = ${market.id}::uuid FOR UPDATE`;
        locked();
        await unlocked;
      },
      { timeout: 60_000 },
    );
    await isLocked;
    const bet = heldBet(user, request(p, 30, "any"));
    await until(
      async () =>
        (
          await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FOR UPDATE OF m%'`
        )[0]?.n === 1,
      10_000,
      "the bet waiting on the market's lock",
    );
    await db.$executeRaw`UPDATE "Event" SET phase = 'LIVE' WHERE id = ${p.eventId}::uuid`;
    await until(async () => (await liveQuote(client, p.sport, p.eventId, "h2h", "home"))?.inPlay === true, 10_000, "the event in play on the board");
    unlock();
    await holder;
    expect(await bet.waiting).toBe(DELAY_MS);
    await expectUndecided(user, bet.key, 1_000);
    bet.release();
    const placed = await bet.placement;
    expect(placed.decision.status).toBe(201);
    expect(placed.decision.body.delayedMs).toBeGreaterThanOrEqual(DELAY_MS);
    await expectMoney(user, 1_000, 970);
  });
});

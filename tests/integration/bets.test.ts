import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { signUp } from "../../lib/accounts/accounts";
import { balanceOf } from "../../lib/accounts/ledger";
import { liveQuote } from "../../lib/bets/live-quote";
import { type Placement, type PlacementRules, placeBet } from "../../lib/bets/placement";
import type { BetRequest } from "../../lib/bets/request";
import { setResult, voidBet, voidEvent } from "../../lib/bets/settlement";
import type { Db } from "../../lib/db";
import { Prisma } from "../../lib/generated/prisma/client";
import { potentialReturn } from "../../lib/protocol";
import { type BettingServices, startBettingServices } from "../support/betting";
import { until } from "../support/full-stack";

/**
 * Bets on real Postgres and Redis, priced by the real publisher: the live price, idempotency,
 * liability, the ledger under concurrency, and settlement.
 */
describe("bets", () => {
  let services: BettingServices;
  let db: Db;
  let client: Redis;
  const rules: PlacementRules = { liabilityLimit: 1_000_000, minStake: 1, delays: { defaultMs: 1_000, bySport: {} }, trust: async () => null };
  /** Who the admin actions here are done by, as the audit log names them. */
  const ADMIN = { id: null, label: "admin token" };
  const place = (userId: string, request: BetRequest, key = randomUUID(), limits = rules): Promise<Placement> =>
    placeBet({ db, redis: client }, userId, request, key, limits);

  beforeAll(async () => {
    services = await startBettingServices(inject("pgServerUrl"), "bets");
    ({ db, redis: client } = services);
  });

  afterAll(async () => {
    await services?.stop();
  });

  /** A prematch NBA event and the live price of one of its outcomes, as the board shows it. */
  async function selection(market = "h2h", outcome = "home", skip = 0) {
    const event = await db.event.findFirstOrThrow({
      where: { sport: "basketball_nba", phase: "PREMATCH", status: "ACTIVE" },
      orderBy: { startsAt: "asc" },
      skip,
      select: { id: true },
    });
    const quote = await liveQuote(client, "basketball_nba", event.id, market, outcome);
    if (!quote) throw new Error("not on the board");
    return { eventId: event.id, market, outcome, price: quote.price };
  }

  const bettor = async (balance = 1_000) => (await signUp(db, { email: `${randomUUID()}@bets.test`, password: "long enough" }, balance)).id;

  it("takes a bet at the live price, debits the stake through the ledger, and moves the pool", async () => {
    const user = await bettor();
    const pick = await selection();
    const poolBefore = await stakeTotal(pick);
    const liabilityBefore = await liability(pick);
    const placed = await place(user, { ...pick, stake: 25, accept: "exact" });
    expect(placed.decision.status).toBe(201);
    expect(placed.placed?.bet).toMatchObject({ stake: 25, price: pick.price, status: "open", potentialReturn: Math.floor(2500 * pick.price + 1e-6) / 100 });
    expect(placed.placed?.balance.balance).toBe(975);
    expect(await stakeTotal(pick)).toBe(poolBefore + 25);
    // The house now stands to lose what the bet would pay, less its stake.
    expect(await liability(pick)).toBeCloseTo(liabilityBefore + (placed.placed?.bet.potentialReturn ?? 0) - 25, 2);
    expect(await ledgerSum(user)).toBe(975);
  });

  it("a moved price: refused under `exact` with the price now, taken under `better` when it lengthened", async () => {
    const user = await bettor();
    const seen = await selection("h2h", "away", 1);
    await db.$executeRaw`UPDATE "BookPrice" bp SET price = round((bp.price * 1.25)::numeric, 2)::float8 FROM "Outcome" o JOIN "Market" m ON m.id = o."marketId" WHERE bp."outcomeId" = o.id AND m."eventId" = ${seen.eventId}::uuid AND m.key = 'h2h' AND o.key = 'away'`;
    await until(async () => ((await liveQuote(client, "basketball_nba", seen.eventId, "h2h", "away"))?.price ?? 0) > seen.price, 10_000, "a longer price");
    const now = (await liveQuote(client, "basketball_nba", seen.eventId, "h2h", "away"))?.price;
    const exact = await place(user, { ...seen, stake: 10, accept: "exact" });
    expect(exact.decision).toEqual({ status: 409, body: { error: { code: "price_changed", message: `the price is now ${now}`, price: now } } });
    const better = await place(user, { ...seen, stake: 10, accept: "better" });
    expect(better.decision.status).toBe(201);
    expect(better.placed?.bet.price).toBe(now);
    // A shorter price than seen is not "better".
    expect((await place(user, { ...seen, price: (now ?? 2) + 0.5, stake: 10, accept: "better" })).decision.body).toMatchObject({
      error: { code: "price_changed" },
    });
  });

  it("the same Idempotency-Key twice places one bet and gives the same answer; with another body it is refused", async () => {
    const user = await bettor();
    const pick = await selection();
    const key = randomUUID();
    const [first, second] = await Promise.all([
      place(user, { ...pick, stake: 10, accept: "any" }, key),
      place(user, { ...pick, stake: 10, accept: "any" }, key),
    ]);
    expect(first.decision).toEqual(second.decision);
    expect([first.fresh, second.fresh].sort()).toEqual([false, true]);
    expect(await db.bet.count({ where: { userId: user } })).toBe(1);
    const reused = await place(user, { ...pick, stake: 11, accept: "any" }, key);
    expect(reused.decision).toMatchObject({ status: 422, body: { error: { code: "idempotency_key_reused" } } });
    // A refusal is an answer too: the same key keeps getting it.
    const poor = await bettor(5);
    const refusalKey = randomUUID();
    const refused = await place(poor, { ...pick, stake: 10, accept: "any" }, refusalKey);
    expect(refused.decision).toMatchObject({ status: 422, body: { error: { code: "insufficient_funds" } } });
    expect((await place(poor, { ...pick, stake: 10, accept: "any" }, refusalKey)).decision).toEqual(refused.decision);
  });

  it("200 concurrent bets from one account whose balance covers 37: exactly 37 taken, never below zero", async () => {
    const user = await bettor(370);
    const pick = await selection("totals", "over", 2);
    const poolBefore = await stakeTotal(pick);
    const placements = await Promise.all(Array.from({ length: 200 }, () => place(user, { ...pick, stake: 10, accept: "any" })));
    const codes = placements.map((p) => p.decision.status);
    expect(codes.filter((c) => c === 201)).toHaveLength(37);
    expect(codes.filter((c) => c === 422)).toHaveLength(163);
    const balance = await balanceOf(db, user);
    expect(balance.balance).toBe(0);
    expect(await ledgerSum(user)).toBe(0);
    expect(await stakeTotal(pick)).toBe(poolBefore + 370);
    expect(await db.bet.count({ where: { userId: user } })).toBe(37);
  });

  it("refuses a bet that would take the house past its liability, saying the most it can take; suspends a full market", async () => {
    const user = await bettor();
    const pick = await selection("spreads", "home", 3);
    // Room for a loss of 50 more than the house can lose on this outcome now.
    const tight = { ...rules, liabilityLimit: (await liability(pick)) + 50 };
    const big = await place(user, { ...pick, stake: 500, accept: "exact" }, randomUUID(), tight);
    expect(big.decision).toMatchObject({
      status: 409,
      body: { error: { code: "liability_limit", maxStake: Math.floor((50 / (pick.price - 1)) * 100) / 100 } },
    });
    const room = (big.decision.body.error as { maxStake: number }).maxStake;
    expect((await place(user, { ...pick, stake: room, accept: "exact" }, randomUUID(), tight)).decision.status).toBe(201);
    const full = await place(user, { ...pick, stake: 5, accept: "any" }, randomUUID(), tight);
    expect(full.decision.body).toMatchObject({ error: { code: "liability_limit", message: expect.stringContaining("suspended") } });
    expect(full.suspended).toMatchObject({ marketId: expect.any(String) });
    const market = await db.market.findFirstOrThrow({ where: { eventId: pick.eventId, key: "spreads" }, select: { status: true } });
    expect(market.status).toBe("SUSPENDED");
    expect((await place(user, { ...pick, stake: 5, accept: "any" })).decision.body).toMatchObject({ error: { code: "market_suspended" } });
  });

  it("bets on two markets from many accounts at once are decided in groups, and the liability limit, every balance and every key hold", async () => {
    const users = await Promise.all(Array.from({ length: 20 }, () => bettor(100)));
    const home = await selection("h2h", "home", 5);
    const picks = [
      home,
      await quoteOf(home.eventId, "h2h", "away"),
      await quoteOf(home.eventId, "totals", "over"),
      await quoteOf(home.eventId, "totals", "under"),
    ];
    // Room for a loss of 200 more on any outcome than now: the limit bites long before the balances run out.
    const tight = { ...rules, liabilityLimit: Math.max(...(await Promise.all(picks.map(liability)))) + 200 };
    const sent: { user: string; key: string; promise: Promise<Placement> }[] = [];
    users.forEach((user, u) => {
      for (let n = 0; n < 12; n++) {
        const key = randomUUID();
        const bet = { ...picks[(u + n) % picks.length]!, stake: 10, accept: "any" as const };
        sent.push({ user, key, promise: place(user, bet, key, tight) });
        // Each account's first bet is sent twice under one key: one bet, one answer.
        if (n === 0) sent.push({ user, key, promise: place(user, bet, key, tight) });
      }
    });
    const answers = await Promise.all(sent.map(async (s) => ({ ...s, placement: await s.promise })));

    for (const key of new Set(answers.map((a) => a.key))) {
      const same = answers.filter((a) => a.key === key);
      expect(same.filter((a) => a.placement.fresh)).toHaveLength(1);
      for (const a of same) expect(a.placement.decision).toEqual(same[0]!.placement.decision);
    }
    const fresh = answers.filter((a) => a.placement.fresh);
    const placed = fresh.filter((a) => a.placement.decision.status === 201);
    const refusals = new Set(fresh.filter((a) => a.placement.decision.status !== 201).map((a) => (a.placement.decision.body.error as { code: string }).code));
    expect(refusals.has("liability_limit")).toBe(true);
    expect([...refusals].every((code) => ["liability_limit", "market_suspended", "insufficient_funds"].includes(code))).toBe(true);
    const suspendedMarkets = (await Promise.all(["h2h", "totals"].map((market) => marketStatus({ ...home, market })))).filter((s) => s === "SUSPENDED");
    expect(fresh.filter((a) => a.placement.suspended)).toHaveLength(suspendedMarkets.length);

    const bets = await db.$queryRaw<{ bets: bigint; transactions: bigint }[]>`
      SELECT count(*) AS bets, count(DISTINCT b.xmin::text) AS transactions
      FROM "Bet" b JOIN "Outcome" o ON o.id = b."outcomeId"::uuid JOIN "Market" m ON m.id = o."marketId"
      WHERE m."eventId" = ${home.eventId}::uuid AND b."userId" = ANY(${users})`;
    expect(Number(bets[0]!.bets)).toBe(placed.length);
    // Decided in groups: far fewer transactions than bets (one each would be as many).
    expect(Number(bets[0]!.transactions)).toBeLessThan(placed.length / 2);
    for (const pick of picks) expect(await liability(pick)).toBeLessThanOrEqual(tight.liabilityLimit + 1e-9);
    for (const user of users) {
      const mine = placed.filter((a) => a.user === user).length;
      const balance = await balanceOf(db, user);
      expect(balance.balance).toBe(100 - 10 * mine);
      expect(await ledgerSum(user)).toBe(balance.balance);
    }
  });

  it("a market another transaction holds (a settlement, an admin) holds up only its own bets", async () => {
    const held = await selection("h2h", "home", 7);
    const free = await selection("h2h", "home", 8);
    const { id: marketId } = await db.market.findFirstOrThrow({ where: { eventId: held.eventId, key: "h2h" }, select: { id: true } });
    await whileHolding(Prisma.sql`SELECT 1 FROM "Market" WHERE "id" = ${marketId}::uuid FOR UPDATE`, async (release) => {
      let decided = false;
      const waiting = place(await bettor(), { ...held, stake: 10, accept: "any" }).finally(() => (decided = true));
      // A bet on another market, sent after it, is decided while the held market's bet waits.
      expect((await soon(place(await bettor(), { ...free, stake: 10, accept: "any" }))).decision.status).toBe(201);
      expect(decided).toBe(false);
      await release();
      expect((await waiting).decision.status).toBe(201);
    });
  });

  it("an account another transaction holds (a payout, a deposit) holds up only its own bets, even on the same market", async () => {
    const pick = await selection("h2h", "away", 7);
    const busy = await bettor();
    await whileHolding(Prisma.sql`SELECT 1 FROM "User" WHERE "id" = ${busy}::uuid FOR UPDATE`, async (release) => {
      let decided = false;
      const waiting = place(busy, { ...pick, stake: 10, accept: "any" }).finally(() => (decided = true));
      expect((await soon(place(await bettor(), { ...pick, stake: 10, accept: "any" }))).decision.status).toBe(201);
      expect(decided).toBe(false);
      await release();
      expect((await waiting).decision.status).toBe(201);
      expect((await balanceOf(db, busy)).balance).toBe(990);
    });
  });

  /** Runs `work` while another transaction holds the row `lock` locks; `release` ends that transaction. */
  async function whileHolding(lock: Prisma.Sql, work: (release: () => Promise<void>) => Promise<void>): Promise<void> {
    let end = () => {};
    const ended = new Promise<void>((resolve) => (end = resolve));
    let locked = () => {};
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = db.$transaction(
      async (tx) => {
        await tx.$queryRaw(lock);
        locked();
        await ended;
      },
      { timeout: 30_000 },
    );
    const release = async () => {
      end();
      await holder;
    };
    try {
      await isLocked;
      await work(release);
    } finally {
      end();
      await holder.catch(() => {});
    }
  }

  /** `placement`, or a failure naming the wait when it takes 10 s: a bet that should not wait did. */
  function soon(placement: Promise<Placement>): Promise<Placement> {
    return Promise.race([
      placement,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("a bet on a free row waited for a held one")), 10_000)),
    ]);
  }

  it("a bet Postgres refuses fails alone: its group is decided again a bet at a time, nothing of it is written, and its key places it when sent again", async () => {
    const users = await Promise.all(Array.from({ length: 10 }, () => bettor(100)));
    const pick = await selection("h2h", "away", 6);
    // One bet first, so that the ten below arrive together (their target already known) and share groups.
    expect((await place(await bettor(), { ...pick, stake: 10, accept: "any" })).decision.status).toBe(201);
    const poolBefore = await stakeTotal(pick);
    // Postgres refuses any bet of 13: the statement that writes a group holding one fails whole. A
    // sequence (outside any transaction) counts the tries at writing one.
    await db.$executeRawUnsafe("CREATE SEQUENCE tries_13");
    await db.$executeRawUnsafe(`
      CREATE FUNCTION refuse_13() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.stake = 13 THEN PERFORM nextval('tries_13'); RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$`);
    await db.$executeRawUnsafe(`CREATE TRIGGER refuse_13 BEFORE INSERT ON "Bet" FOR EACH ROW EXECUTE FUNCTION refuse_13()`);
    const keys = users.map(() => randomUUID());
    const stakeOf = (i: number) => (i % 2 === 1 ? 13 : 10);
    const send = () => Promise.allSettled(users.map((user, i) => place(user, { ...pick, stake: stakeOf(i), accept: "any" }, keys[i])));
    try {
      const first = await send();
      // Every bet of 13 failed and left no trace; every bet of 10 was placed, those that shared a group with one of 13 too.
      expect(first.filter((_, i) => stakeOf(i) === 13).every((result) => result.status === "rejected")).toBe(true);
      expect(first.filter((_, i) => stakeOf(i) === 10).map((result) => result.status === "fulfilled" && result.value.decision.status)).toEqual(
        Array(5).fill(201),
      );
      // More tries than bets of 13: at least one failed inside a group, and was tried again alone.
      const [{ tries }] = await db.$queryRawUnsafe<[{ tries: bigint }]>("SELECT last_value AS tries FROM tries_13");
      expect(Number(tries)).toBeGreaterThan(5);
      for (const [i, user] of users.entries()) {
        const stake = stakeOf(i) === 13 ? 0 : 10;
        expect((await balanceOf(db, user)).balance).toBe(100 - stake);
        expect(await ledgerSum(user)).toBe(100 - stake);
        expect(await db.bet.count({ where: { userId: user } })).toBe(stake ? 1 : 0);
      }
      expect(await db.idempotentRequest.count({ where: { userId: { in: users.filter((_, i) => stakeOf(i) === 13) } } })).toBe(0);
      expect(await stakeTotal(pick)).toBe(poolBefore + 5 * 10);
    } finally {
      await db.$executeRawUnsafe(`DROP TRIGGER refuse_13 ON "Bet"`);
      await db.$executeRawUnsafe(`DROP FUNCTION refuse_13()`);
      await db.$executeRawUnsafe("DROP SEQUENCE tries_13");
    }
    // Sent again under the same keys: every bet is placed once, those taken the first time replayed.
    const again = await send();
    expect(again.every((result) => result.status === "fulfilled" && result.value.decision.status === 201)).toBe(true);
    expect(again.filter((result) => result.status === "fulfilled" && !result.value.fresh)).toHaveLength(5);
    for (const user of users) expect(await db.bet.count({ where: { userId: user } })).toBe(1);
    expect(await stakeTotal(pick)).toBe(poolBefore + 5 * 10 + 5 * 13);
  });

  it("settles on the final score: won pays stake × price, lost nothing, push and void the stake, all through the ledger", async () => {
    const user = await bettor();
    const event = await selection("h2h", "home", 4);
    // A whole-number spread, so a final score can land on it.
    await db.$executeRaw`UPDATE "Outcome" o SET point = CASE o.key WHEN 'home' THEN -3 ELSE 3 END FROM "Market" m WHERE m.id = o."marketId" AND m."eventId" = ${event.eventId}::uuid AND m.key = 'spreads'`;
    await until(async () => (await liveQuote(client, "basketball_nba", event.eventId, "spreads", "home"))?.point === -3, 10_000, "the new line on the board");
    const won = await place(user, { ...event, stake: 10, accept: "any" });
    const lost = await place(user, { ...(await quoteOf(event.eventId, "h2h", "away")), stake: 20, accept: "any" });
    const pushed = await place(user, { ...(await quoteOf(event.eventId, "spreads", "home")), stake: 30, accept: "any" });
    const voided = await place(user, { ...(await quoteOf(event.eventId, "totals", "over")), stake: 40, accept: "any" });
    expect([won, lost, pushed, voided].map((p) => p.decision.status)).toEqual([201, 201, 201, 201]);
    expect(pushed.placed?.bet.point).toBe(-3);
    // The line moves after the bet: the bet keeps the line it was taken at.
    await db.$executeRaw`UPDATE "Outcome" o SET point = CASE o.key WHEN 'home' THEN -5 ELSE 5 END FROM "Market" m WHERE m.id = o."marketId" AND m."eventId" = ${event.eventId}::uuid AND m.key = 'spreads'`;
    expect(await voidBet(db, voided.placed?.bet.id ?? "", ADMIN)).toMatchObject({ settled: [{ bet: { status: "void", payout: 40, voidReason: "admin" } }] });
    expect(await voidBet(db, voided.placed?.bet.id ?? "", ADMIN)).toBe("settled");
    const settled = await setResult(db, event.eventId, { home: 103, away: 100 }, ADMIN); // home by exactly the spread
    if (typeof settled === "string") throw new Error(settled);
    const byId = new Map(settled.settled.map((s) => [s.bet.id, s.bet]));
    expect(byId.get(won.placed?.bet.id ?? "")).toMatchObject({ status: "won", payout: won.placed?.bet.potentialReturn });
    expect(byId.get(lost.placed?.bet.id ?? "")).toMatchObject({ status: "lost", payout: 0 });
    expect(byId.get(pushed.placed?.bet.id ?? "")).toMatchObject({ status: "void", payout: 30, voidReason: "push" });
    const expected = 1_000 - 10 - 20 - 30 - 40 + 40 + (won.placed?.bet.potentialReturn ?? 0) + 30;
    expect((await balanceOf(db, user)).balance).toBeCloseTo(expected, 2);
    expect(await ledgerSum(user)).toBeCloseTo(expected, 2);
    expect(await setResult(db, event.eventId, { home: 1, away: 0 }, ADMIN)).toBe("over");
    expect(await db.bet.count({ where: { outcome: { market: { eventId: event.eventId } }, status: "OPEN" } })).toBe(0);
  });

  it("Postgres' bet_return and the page's potentialReturn round every stake and ladder price the same", async () => {
    const stakes = [1, 2.5, 9.99, 10, 19.99, 25, 33.33, 100, 999.99];
    const prices = [1.01, 1.05, 1.15, 1.33, 1.5, 1.87, 2, 2.15, 2.38, 3.1, 4.6, 7.4, 13.5, 29, 210, 1000];
    const pairs = stakes.flatMap((stake) => prices.map((price) => ({ stake, price })));
    const rows = await db.$queryRaw<{ i: number; r: string }[]>`
      SELECT i::int AS i, "bet_return"(s::numeric, p)::text AS r
      FROM unnest(${pairs.map((x) => x.stake.toFixed(2))}::text[], ${pairs.map((x) => x.price)}::float8[]) WITH ORDINALITY AS t(s, p, i)`;
    for (const row of rows) {
      const pair = pairs[row.i - 1];
      if (pair) expect(Number(row.r), `${pair.stake} @ ${pair.price}`).toBe(potentialReturn(pair.stake, pair.price));
    }
    expect(rows).toHaveLength(pairs.length);
  });

  it("voiding an event refunds every open bet on it, and then takes no bets", async () => {
    const user = await bettor();
    const pick = await selection("h2h", "home", 5);
    await place(user, { ...pick, stake: 50, accept: "any" });
    const settled = await voidEvent(db, pick.eventId, ADMIN);
    // Other tests here bet on this event too: this account's bet is the one to look at.
    expect(typeof settled !== "string" && settled.settled.filter((s) => s.userId === user).map((s) => s.bet)).toEqual([
      expect.objectContaining({ status: "void", voidReason: "cancelled", payout: 50 }),
    ]);
    expect((await balanceOf(db, user)).balance).toBe(1_000);
    expect((await place(user, { ...pick, stake: 5, accept: "any" })).decision.body).toMatchObject({ error: { code: "event_closed" } });
  });

  async function quoteOf(eventId: string, market: string, outcome: string) {
    const quote = await liveQuote(client, "basketball_nba", eventId, market, outcome);
    if (!quote) throw new Error("not on the board");
    return { eventId, market, outcome, price: quote.price };
  }

  async function stakeTotal(pick: { eventId: string; market: string; outcome: string }): Promise<number> {
    const row = await db.outcome.findFirstOrThrow({
      where: { key: pick.outcome, market: { key: pick.market, eventId: pick.eventId } },
      select: { stakeTotal: true },
    });
    return Number(row.stakeTotal);
  }

  /** What the house loses on the outcome if it wins: its open bets' payouts minus every open stake in its market. */
  async function liability(pick: { eventId: string; market: string; outcome: string }): Promise<number> {
    const outcomes = await db.outcome.findMany({
      where: { market: { key: pick.market, eventId: pick.eventId } },
      select: { key: true, stakeTotal: true, payoutTotal: true },
    });
    const stakes = outcomes.reduce((sum, o) => sum + Number(o.stakeTotal), 0);
    return Number(outcomes.find((o) => o.key === pick.outcome)?.payoutTotal ?? 0) - stakes;
  }

  async function marketStatus(pick: { eventId: string; market: string }): Promise<string> {
    return (await db.market.findFirstOrThrow({ where: { eventId: pick.eventId, key: pick.market }, select: { status: true } })).status;
  }

  async function ledgerSum(userId: string): Promise<number> {
    const sum = await db.ledgerEntry.aggregate({ where: { userId }, _sum: { amount: true } });
    return Number(sum._sum.amount ?? 0);
  }
});

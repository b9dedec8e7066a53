import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { signUp } from "../../lib/accounts/accounts";
import { balanceOf } from "../../lib/accounts/ledger";
import { changeLimits, readLimits } from "../../lib/accounts/limits-store";
import type { SessionUser } from "../../lib/accounts/sessions";
import { liveQuote } from "../../lib/bets/live-quote";
import { type Placement, type PlacementRules, placeBet } from "../../lib/bets/placement";
import type { BetRequest } from "../../lib/bets/request";
import { type Db, createDb } from "../../lib/db";
import { type BettingServices, startBettingServices } from "../support/betting";

/**
 * The limits bettors set for themselves (docs/limits.md), on real Postgres and Redis priced by the
 * real publisher: stake limits hold under concurrent bets, time-outs and self-exclusions refuse
 * with their codes, only ever grow, and everything is in the audit log and in Postgres (a new
 * client, as after a restart, sees the same).
 */
describe("bettor limits", () => {
  let services: BettingServices;
  let dbUrl: string;
  let db: Db;
  let client: Redis;
  const rules: PlacementRules = { liabilityLimit: 1_000_000, minStake: 1, delays: { defaultMs: 1_000, bySport: {} }, trust: async () => null };
  const place = (userId: string, request: BetRequest, key = randomUUID()): Promise<Placement> => placeBet({ db, redis: client }, userId, request, key, rules);

  beforeAll(async () => {
    services = await startBettingServices(inject("pgServerUrl"), "limits");
    ({ dbUrl, db, redis: client } = services);
  });

  afterAll(async () => {
    await services?.stop();
  });

  async function selection() {
    const event = await db.event.findFirstOrThrow({
      where: { sport: "basketball_nba", phase: "PREMATCH", status: "ACTIVE" },
      orderBy: { startsAt: "asc" },
      select: { id: true },
    });
    const quote = await liveQuote(client, "basketball_nba", event.id, "h2h", "home");
    if (!quote) throw new Error("not on the board");
    return { eventId: event.id, market: "h2h", outcome: "home", price: quote.price };
  }

  /** A bettor with `balance` and a session, as the routes see one. */
  async function bettor(balance = 1_000): Promise<SessionUser> {
    const email = `${randomUUID()}@limits.test`;
    const { id } = await signUp(db, { email, password: "long enough" }, balance);
    const sessionId = randomUUID();
    await db.session.create({ data: { id: sessionId, userId: id, expiresAt: new Date(Date.now() + 3_600_000) } });
    return { id, email, role: "user", sessionId };
  }

  it("a daily stake limit holds under 20 bets at once: exactly what fits is taken, the rest refused saying what is left", async () => {
    const user = await bettor();
    const pick = await selection();
    await changeLimits(db, user, { kind: "stake", period: "day", amount: 55 }, new Date());
    const placed = await Promise.all(Array.from({ length: 20 }, () => place(user.id, { ...pick, stake: 10, accept: "any" })));
    expect(placed.filter((p) => p.decision.status === 201)).toHaveLength(5);
    const refused = placed.filter((p) => p.decision.status !== 201);
    expect(refused).toHaveLength(15);
    for (const p of refused) {
      expect(p.decision).toMatchObject({ status: 422, body: { error: { code: "stake_limit", period: "day", limit: 55, left: 5 } } });
      expect(String((p.decision.body.error as { message: string }).message)).toMatch(/daily stake limit of .*55\.00 \(.*5\.00 left for now\)/);
    }
    // What is left still goes.
    expect((await place(user.id, { ...pick, stake: 5, accept: "any" })).decision.status).toBe(201);
    expect((await balanceOf(db, user.id)).balance).toBe(1_000 - 55);
    const view = await readLimits(db, user.id, user.sessionId, new Date());
    expect(view.stake.day).toEqual({ amount: 55, pending: null, staked: 55 });
    expect(view.session.staked).toBe(55);
  });

  it("a raise waits 24 hours; a lower limit holds at once; voided bets do not count", async () => {
    const user = await bettor();
    const pick = await selection();
    await changeLimits(db, user, { kind: "stake", period: "week", amount: 20 }, new Date());
    expect((await place(user.id, { ...pick, stake: 20, accept: "any" })).decision.status).toBe(201);
    await changeLimits(db, user, { kind: "stake", period: "week", amount: 100 }, new Date());
    const waiting = await readLimits(db, user.id, user.sessionId, new Date());
    expect(waiting.stake.week.amount).toBe(20);
    expect(waiting.stake.week.pending?.amount).toBe(100);
    expect(Date.parse(waiting.stake.week.pending?.from ?? "") - Date.now()).toBeGreaterThan(23 * 3_600_000);
    expect((await place(user.id, { ...pick, stake: 10, accept: "any" })).decision.body).toMatchObject({
      error: { code: "stake_limit", period: "week", left: 0 },
    });
    // The day passes (the raise's time moved back, as the clock would).
    await db.stakeLimit.updateMany({ where: { userId: user.id }, data: { pendingFrom: new Date(Date.now() - 1_000) } });
    expect((await place(user.id, { ...pick, stake: 10, accept: "any" })).decision.status).toBe(201);
    // A void bet gave its stake back: it no longer counts against the limit.
    await db.bet.updateMany({ where: { userId: user.id }, data: { status: "VOID" } });
    await changeLimits(db, user, { kind: "stake", period: "week", amount: 15 }, new Date());
    expect((await readLimits(db, user.id, user.sessionId, new Date())).stake.week).toEqual({ amount: 15, pending: null, staked: 0 });
    expect((await place(user.id, { ...pick, stake: 15, accept: "any" })).decision.status).toBe(201);
  });

  it("a time-out refuses every bet until it ends, and cannot be shortened; a self-exclusion outlasts it", async () => {
    const user = await bettor();
    const pick = await selection();
    await changeLimits(db, user, { kind: "time_out", days: 7 }, new Date());
    const refused = await place(user.id, { ...pick, stake: 10, accept: "any" });
    expect(refused.decision).toMatchObject({ status: 403, body: { error: { code: "timed_out" } } });
    const until = Date.parse(String((refused.decision.body.error as { until: string }).until));
    expect(until - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    await changeLimits(db, user, { kind: "time_out", days: 1 }, new Date());
    expect((await readLimits(db, user.id, user.sessionId, new Date())).block?.until).toBe(new Date(until).toISOString());
    await changeLimits(db, user, { kind: "self_exclusion", months: 6 }, new Date());
    const excluded = await place(user.id, { ...pick, stake: 10, accept: "any" });
    expect(excluded.decision).toMatchObject({ status: 403, body: { error: { code: "self_excluded" } } });
    expect(await db.bet.count({ where: { userId: user.id } })).toBe(0);
    expect((await balanceOf(db, user.id)).balance).toBe(1_000);
    // A new client reads the same from Postgres, as a restarted web process would.
    const fresh = createDb(dbUrl);
    try {
      const view = await readLimits(fresh, user.id, user.sessionId, new Date());
      expect(view.block?.kind).toBe("self_exclusion");
      expect(Date.parse(view.block?.until ?? "") - Date.now()).toBeGreaterThan(180 * 86_400_000);
      expect((await placeBet({ db: fresh, redis: client }, user.id, { ...pick, stake: 10, accept: "any" }, randomUUID(), rules)).decision.body).toMatchObject({
        error: { code: "self_excluded" },
      });
    } finally {
      await fresh.$disconnect();
    }
  });

  it("an in-play bet past the bettor's own limits is refused before its delay, not after it", async () => {
    const event = await db.event.findFirstOrThrow({ where: { sport: "basketball_nba", phase: "LIVE", status: "ACTIVE" }, select: { id: true } });
    const quote = await liveQuote(client, "basketball_nba", event.id, "h2h", "home");
    expect(quote?.inPlay).toBe(true);
    const live = { eventId: event.id, market: "h2h", outcome: "home", price: quote?.price ?? 2, accept: "any" as const };
    const never = () => Promise.reject(new Error("this bet must not wait its delay"));
    const placeNow = (userId: string, stake: number) => placeBet({ db, redis: client, pause: never }, userId, { ...live, stake }, randomUUID(), rules);
    const limited = await bettor();
    await changeLimits(db, limited, { kind: "stake", period: "day", amount: 5 }, new Date());
    expect((await placeNow(limited.id, 10)).decision.body).toMatchObject({ error: { code: "stake_limit", period: "day", left: 5 } });
    const resting = await bettor();
    await changeLimits(db, resting, { kind: "time_out", days: 1 }, new Date());
    expect((await placeNow(resting.id, 10)).decision.body).toMatchObject({ error: { code: "timed_out" } });
    expect(await db.bet.count({ where: { userId: { in: [limited.id, resting.id] } } })).toBe(0);
  });

  it("writes one audit entry per change that changes something, the bettor as the actor", async () => {
    const user = await bettor();
    await changeLimits(db, user, { kind: "stake", period: "month", amount: 300 }, new Date());
    await changeLimits(db, user, { kind: "stake", period: "month", amount: 300 }, new Date());
    await changeLimits(db, user, { kind: "reality_check", minutes: 30 }, new Date());
    await changeLimits(db, user, { kind: "time_out", days: 2 }, new Date());
    await changeLimits(db, user, { kind: "time_out", days: 1 }, new Date());
    const entries = await db.auditEntry.findMany({ where: { targetType: "user", targetId: user.id }, orderBy: { id: "asc" } });
    expect(entries.map((entry) => entry.action)).toEqual(["limits.stake", "limits.reality_check", "limits.time_out"]);
    expect(entries.every((entry) => entry.actorId === user.id && entry.actor === user.email)).toBe(true);
    expect(entries[0]?.after).toMatchObject({ period: "month", amount: 300 });
    expect(entries[1]).toMatchObject({ before: { realityCheckMinutes: null }, after: { realityCheckMinutes: 30 } });
  });
});

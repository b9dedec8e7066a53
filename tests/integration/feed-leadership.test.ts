import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, onTestFailed, onTestFinished } from "vitest";
import { type Db, createDb } from "../../lib/db";
import { type FakeOddsApi, startFakeOddsApi } from "../../lib/feed/odds-api/fake/server";
import type { ProducerBeat } from "../../lib/protocol";
import { beatOf, feedInstanceId } from "../support/feeds";
import { until } from "../support/full-stack";
import { type Proc, logsOnFailure } from "../support/processes";
import { type RedisService, createTestDatabase, startRedisServer } from "../support/services";
import { startFeed } from "../support/stack";

const SPORTS = ["basketball_nba", "soccer_epl"];

/**
 * One poller among several feed processes (docs/odds-source.md, "One poller"): two feeds against
 * the local fake of The Odds API spend one set of calls; killing the active one hands polling to
 * the standby; both beat, with their roles.
 */
describe("feed processes elect one poller", () => {
  let fake: FakeOddsApi;
  let dbUrl: string;
  let db: Db;
  let redisService: RedisService;
  let redis: Redis;
  const feeds: Proc[] = [];

  const feedEnv = () => ({
    ODDS_SOURCE: "the-odds-api",
    ODDS_API_KEY: fake.apiKey,
    ODDS_API_BASE_URL: fake.url,
    ODDS_API_SPORTS: SPORTS.join(","),
    ODDS_API_MONTHLY_CREDITS: "10000000",
    ODDS_API_MIN_INTERVAL_MS: "1000",
    FEED_LEADER_TTL_MS: "1500",
  });
  const calls = (endpoint: string) => fake.control.stats().byEndpoint[endpoint]?.calls ?? 0;
  const roles = async (procs: Proc[]) => Promise.all(procs.map(async (proc) => (await beatOf(redis, "the-odds-api", proc))?.role ?? null));

  beforeAll(async () => {
    fake = await startFakeOddsApi({ seed: 17, monthlyCredits: 10_000_000, driftMs: 1_000_000_000 });
    dbUrl = await createTestDatabase(inject("pgServerUrl"), "feedlead");
    db = createDb(dbUrl);
    redisService = await startRedisServer();
    redis = new Redis(redisService.url);
    feeds.push(await startFeed(dbUrl, redisService.url, feedEnv(), "feed a"));
    await until(async () => (await roles([feeds[0] as Proc]))[0] === "active", 30_000, "feed a active");
    feeds.push(await startFeed(dbUrl, redisService.url, feedEnv(), "feed b"));
  });
  beforeEach(() => logsOnFailure(onTestFailed, () => feeds, 80));
  afterAll(async () => {
    for (const feed of feeds) await feed.stop();
    redis?.disconnect();
    await redisService?.stop();
    await db?.$disconnect();
    await fake?.stop();
  });

  it("two feed processes: one polls and vouches for its sports, the other beats as standby; the fake sees one set of calls", async () => {
    const [a, b] = feeds as [Proc, Proc];
    await until(async () => (await roles([a, b])).join() === "active,standby", 30_000, "one active, one standby beat");
    // Polling goes on for several rounds of every sport while both run.
    const oddsBefore = calls("odds");
    await until(async () => calls("odds") >= oddsBefore + 3 * SPORTS.length, 60_000, "three more rounds of odds polls");
    const stats = fake.control.stats();
    // One poller: the sports list read once, each sport's fixture list read once (every 10 min).
    expect(stats.byEndpoint.sports?.calls).toBe(1);
    expect(stats.byEndpoint.events?.calls).toBe(SPORTS.length);
    expect(a.output()).toMatch(/took the producer's lease: producing/);
    expect(b.output()).not.toMatch(/took the producer's lease/);

    const active = (await beatOf(redis, "the-odds-api", a)) as ProducerBeat;
    expect(active).toMatchObject({ role: "active", state: "ok", reason: null, instanceId: feedInstanceId(a) });
    expect(Object.keys(active.sports).sort()).toEqual([...SPORTS].sort());
    for (const sport of SPORTS) {
      expect(active.sports[sport]?.freshUntil).toBeGreaterThan(active.at); // polled every second: vouched for well ahead
    }
    expect(active.lastProducedAt).not.toBeNull();
    const standby = (await beatOf(redis, "the-odds-api", b)) as ProducerBeat;
    expect(standby).toMatchObject({ role: "standby", state: "ok", sports: {}, lastProducedAt: null });
    const term = await db.producerTerm.findUniqueOrThrow({ where: { producer: "the-odds-api" } });
    expect(term.holder).toBe(feedInstanceId(a));
  });

  it("kill -9 of the active feed: the standby takes the lease, goes on vouching for what its predecessor polled before it can call anything, and polls", async () => {
    const [a, b] = feeds as [Proc, Proc];
    const termBefore = (await db.producerTerm.findUniqueOrThrow({ where: { producer: "the-odds-api" } })).term;
    // Every call fails until the successor is active: whatever it vouches for then, it took over.
    fake.control.fault({ mode: "server_error" });
    onTestFinished(() => fake.control.fault({ mode: "none" }));
    await a.kill();
    await until(async () => (await beatOf(redis, "the-odds-api", b))?.role === "active", 30_000, "feed b active");
    const first = (await beatOf(redis, "the-odds-api", b)) as ProducerBeat;
    expect(Object.keys(first.sports).sort()).toEqual([...SPORTS].sort());
    expect(b.output()).toMatch(/took over the previous poller's schedule/);
    const term = await db.producerTerm.findUniqueOrThrow({ where: { producer: "the-odds-api" } });
    expect([term.term, term.holder]).toEqual([termBefore + 1n, feedInstanceId(b)]);
    // It polls: its own discovery, then odds of every sport, and vouches from its own polls.
    fake.control.fault({ mode: "none" });
    const oddsAt = calls("odds");
    await until(async () => calls("odds") >= oddsAt + SPORTS.length, 30_000, "feed b polling odds");
    await until(
      async () => {
        const beat = await beatOf(redis, "the-odds-api", b);
        return SPORTS.every((sport) => (beat?.sports[sport]?.freshUntil ?? 0) > (first.sports[sport]?.freshUntil ?? Infinity));
      },
      30_000,
      "feed b vouching from its own polls",
    );
    expect(b.output()).toMatch(/took the producer's lease: producing/);
  });

  it("a clean shutdown hands the lease over at once: with a one-minute lease, a standby that has it within 30 s can only have it because it was released", async () => {
    const long = { ...feedEnv(), FEED_LEADER_TTL_MS: "60000" };
    const [, b] = feeds as [Proc, Proc];
    const c = await startFeed(dbUrl, redisService.url, long, "feed c");
    feeds.push(c);
    await until(async () => (await beatOf(redis, "the-odds-api", c))?.role === "standby", 30_000, "feed c standing by");
    await b.stop();
    await until(async () => (await beatOf(redis, "the-odds-api", c))?.role === "active", 30_000, "feed c active");
    // Feed c now holds a one-minute lease; feed d takes over from it within the 30 s waited only if c gives it up.
    const d = await startFeed(dbUrl, redisService.url, long, "feed d");
    feeds.push(d);
    await until(async () => (await beatOf(redis, "the-odds-api", d))?.role === "standby", 30_000, "feed d standing by");
    expect(await c.stop()).toBe(0);
    expect((await beatOf(redis, "the-odds-api", c))?.role).toBe("standby"); // its last beat, on the way out
    await until(async () => (await beatOf(redis, "the-odds-api", d))?.role === "active", 30_000, "feed d active");
    expect((await db.producerTerm.findUniqueOrThrow({ where: { producer: "the-odds-api" } })).holder).toBe(feedInstanceId(d));
  });
});

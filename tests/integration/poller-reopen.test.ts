import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, onTestFailed } from "vitest";
import { type Db, createDb } from "../../lib/db";
import { type FakeOddsApi, startFakeOddsApi } from "../../lib/feed/odds-api/fake/server";
import { beatOf } from "../support/feeds";
import { until } from "../support/full-stack";
import { type Proc, logsOnFailure } from "../support/processes";
import { type RedisService, createTestDatabase, startRedisServer } from "../support/services";
import { startFeed } from "../support/stack";

const SPORT = "basketball_nba";

/**
 * After a bet stop the poller reopens a market only when a poll that started after the suspension
 * brought usable prices for that very market (docs/odds-source.md, "Bet stop"): not every market
 * of an event seen in the poll, and never one an admin suspended.
 */
describe("the poller reopens, market by market, only what a fresh poll priced", () => {
  let fake: FakeOddsApi;
  let db: Db;
  let redisService: RedisService;
  let redis: Redis;
  let feed: Proc;

  beforeAll(async () => {
    fake = await startFakeOddsApi({ seed: 23, monthlyCredits: 10_000_000, driftMs: 1_000_000_000 });
    const dbUrl = await createTestDatabase(inject("pgServerUrl"), "pollreopen");
    db = createDb(dbUrl);
    redisService = await startRedisServer();
    redis = new Redis(redisService.url);
    feed = await startFeed(dbUrl, redisService.url, {
      ODDS_SOURCE: "the-odds-api",
      ODDS_API_KEY: fake.apiKey,
      ODDS_API_BASE_URL: fake.url,
      ODDS_API_SPORTS: SPORT,
      ODDS_API_MONTHLY_CREDITS: "10000000",
      ODDS_API_MIN_INTERVAL_MS: "1000",
      FEED_LEADER_TTL_MS: "1500",
    });
  });
  beforeEach(() => logsOnFailure(onTestFailed, () => [feed], 80));
  afterAll(async () => {
    await feed?.stop();
    redis?.disconnect();
    await redisService?.stop();
    await db?.$disconnect();
    await fake?.stop();
  });

  const markets = async (eventId: string) =>
    Object.fromEntries((await db.market.findMany({ where: { eventId }, select: { key: true, status: true, feedSuspendedAt: true } })).map((m) => [m.key, m]));
  const oddsPolls = () => fake.control.stats().bySport[SPORT]?.odds?.calls ?? 0;

  it("a poll that brings usable quotes for only some markets of a suspended event reopens only those; an admin's suspension stays", async () => {
    const live = fake.control.events(SPORT).filter((e) => e.live && !e.completed);
    const [first, second] = live;
    if (!first || !second) throw new Error("the fake has two events in play per sport");
    /** Our id of a provider event, once the poller has written its three markets. */
    const idOf = async (externalId: string) => {
      const marketCount = () => db.market.count({ where: { event: { externalId } } });
      await until(async () => (await marketCount()) === 3, 30_000, `the markets of ${externalId}`);
      return (await db.event.findUniqueOrThrow({ where: { externalId }, select: { id: true } })).id;
    };
    const [partly, adminOne] = [await idOf(first.id), await idOf(second.id)];
    await until(async () => (await beatOf(redis, "the-odds-api", feed))?.role === "active", 30_000, "the poller active");

    // From now on every book's spreads and totals of the first event fail the overround check
    // (a price of 1000 on one side): its h2h stays usable.
    fake.control.move({ eventId: first.id, market: "spreads", outcome: first.home, price: 1000 });
    fake.control.move({ eventId: first.id, market: "totals", outcome: "Over", price: 1000 });
    await db.$executeRaw`UPDATE "Market" SET "status" = 'SUSPENDED', "feedSuspendedAt" = now() WHERE "eventId" = ${partly}::uuid`;
    await db.market.update({ where: { eventId_key: { eventId: adminOne, key: "h2h" } }, data: { status: "SUSPENDED" } });

    await until(async () => (await markets(partly)).h2h?.status === "OPEN", 30_000, "the priced market reopened");
    const after = await markets(partly);
    expect(after.h2h?.feedSuspendedAt).toBeNull();
    expect(after.spreads).toMatchObject({ status: "SUSPENDED", feedSuspendedAt: expect.any(Date) });
    expect(after.totals).toMatchObject({ status: "SUSPENDED", feedSuspendedAt: expect.any(Date) });
    expect((await markets(adminOne)).h2h).toMatchObject({ status: "SUSPENDED", feedSuspendedAt: null });
    // The unusable markets lost the prices the feed no longer vouches for.
    expect(await db.bookPrice.count({ where: { outcome: { market: { eventId: partly, key: { in: ["spreads", "totals"] } } } } })).toBe(0);

    // Two more polls change nothing of that.
    const polls = oddsPolls();
    await until(async () => oddsPolls() >= polls + 2, 30_000, "two more odds polls");
    expect((await markets(partly)).spreads?.status).toBe("SUSPENDED");
    expect((await markets(partly)).totals?.status).toBe("SUSPENDED");
    expect((await markets(adminOne)).h2h?.status).toBe("SUSPENDED");
  });
});

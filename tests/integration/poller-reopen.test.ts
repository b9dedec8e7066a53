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
 * After a bet stop the poller reopens a market only when a poll brought a complete book for that
 * very market updated (the provider's last_update) after the suspension (docs/odds-source.md,
 * "Bet stop"): not on books that have not re-priced since, not every market of an event seen in
 * the poll, and never one an admin suspended.
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

  it("polls of quotes from before the suspension reopen nothing; a complete book re-priced since reopens its market only; an admin's suspension stays", async () => {
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
    // (a price of 1000 on one side): only its h2h can ever be priced.
    fake.control.move({ eventId: first.id, market: "spreads", outcome: first.home, price: 1000 });
    fake.control.move({ eventId: first.id, market: "totals", outcome: "Over", price: 1000 });
    await db.$executeRaw`UPDATE "Market" SET "status" = 'SUSPENDED', "feedSuspendedAt" = now() WHERE "eventId" = ${partly}::uuid`;
    await db.market.update({ where: { eventId_key: { eventId: adminOne, key: "h2h" } }, data: { status: "SUSPENDED" } });
    const suspendedAt = (await db.market.findUniqueOrThrow({ where: { eventId_key: { eventId: partly, key: "h2h" } }, select: { feedSuspendedAt: true } }))
      .feedSuspendedAt as Date;

    // The fake moves nothing by itself: its h2h books were last updated long before the suspension.
    const polls = oddsPolls();
    await until(async () => oddsPolls() >= polls + 2, 30_000, "two odds polls after the suspension");
    expect(Object.values(await markets(partly)).map((m) => m.status)).toEqual(["SUSPENDED", "SUSPENDED", "SUSPENDED"]);

    // Every book re-prices the h2h home side, in a later second than the suspension (the
    // provider's last_update has whole seconds).
    await until(async () => Date.now() >= Math.floor(suspendedAt.getTime() / 1000) * 1000 + 1000, 5_000, "the second after the suspension");
    const homes = await db.bookPrice.findMany({
      where: { outcome: { key: "home", market: { eventId: partly, key: "h2h" } } },
      select: { bookmaker: true, price: true },
    });
    expect(homes.length).toBeGreaterThan(0);
    for (const { bookmaker, price } of homes)
      fake.control.move({ eventId: first.id, bookmaker, market: "h2h", outcome: first.home, price: Math.round(price * 100 + 1) / 100 });

    await until(async () => (await markets(partly)).h2h?.status === "OPEN", 30_000, "the re-priced market reopened");
    const after = await markets(partly);
    expect(after.h2h?.feedSuspendedAt).toBeNull();
    expect(after.spreads).toMatchObject({ status: "SUSPENDED", feedSuspendedAt: expect.any(Date) });
    expect(after.totals).toMatchObject({ status: "SUSPENDED", feedSuspendedAt: expect.any(Date) });
    expect((await markets(adminOne)).h2h).toMatchObject({ status: "SUSPENDED", feedSuspendedAt: null });
    // The unusable markets lost the prices the feed no longer vouches for.
    expect(await db.bookPrice.count({ where: { outcome: { market: { eventId: partly, key: { in: ["spreads", "totals"] } } } } })).toBe(0);

    // Two more polls change nothing of that.
    const more = oddsPolls();
    await until(async () => oddsPolls() >= more + 2, 30_000, "two more odds polls");
    expect((await markets(partly)).spreads?.status).toBe("SUSPENDED");
    expect((await markets(partly)).totals?.status).toBe("SUSPENDED");
    expect((await markets(adminOne)).h2h?.status).toBe("SUSPENDED");
  });
});

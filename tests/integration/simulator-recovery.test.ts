import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, onTestFailed } from "vitest";
import { type Db, createDb } from "../../lib/db";
import { SIMULATOR_VOUCH_MS } from "../../lib/feed/simulator";
import { seedDemoData } from "../../prisma/seed";
import { beatOf } from "../support/feeds";
import { until } from "../support/full-stack";
import { type Proc, logsOnFailure } from "../support/processes";
import { type RedisService, createTestDatabase, startRedisServer } from "../support/services";
import { startFeed } from "../support/stack";

/**
 * The simulator reopens what the feed suspended only with fresh prices of its own
 * (docs/odds-source.md, "Bet stop"): it re-quotes every book of those markets, then reopens
 * exactly them; an admin's suspension, and a market it has no book to quote, stay suspended.
 */
describe("the simulator re-quotes, then reopens, the markets the feed suspended", () => {
  let dbUrl: string;
  let db: Db;
  let redisService: RedisService;
  let redis: Redis;
  let feed: Proc | undefined;

  beforeAll(async () => {
    dbUrl = await createTestDatabase(inject("pgServerUrl"), "simrecover");
    db = createDb(dbUrl);
    await seedDemoData(db, { eventsPerSport: 4 });
    redisService = await startRedisServer();
    redis = new Redis(redisService.url);
  });
  beforeEach(() => logsOnFailure(onTestFailed, () => [feed], 80));
  afterAll(async () => {
    await feed?.stop();
    redis?.disconnect();
    await redisService?.stop();
    await db?.$disconnect();
  });

  const liveEvents = async (sport: string) =>
    (await db.event.findMany({ where: { sport, phase: "LIVE" }, orderBy: { externalId: "asc" }, select: { id: true } })).map((e) => e.id);
  const markets = (eventId: string) =>
    db.market.findMany({ where: { eventId }, orderBy: { key: "asc" }, select: { id: true, key: true, status: true, feedSuspendedAt: true } });
  /** Suspends markets as the feed does (the publisher's bet stop, a score change): feedSuspendedAt = now(). */
  const feedSuspend = (eventId: string, key?: string) =>
    db.$executeRaw`UPDATE "Market" SET "status" = 'SUSPENDED', "feedSuspendedAt" = now() WHERE "eventId" = ${eventId}::uuid AND (${key ?? null}::text IS NULL OR "key" = ${key ?? null}::text)`;
  /** The oldest price update of an event's markets. */
  const oldestPrice = async (eventId: string) =>
    await db.bookPrice.aggregate({ where: { outcome: { market: { eventId } } }, _min: { lastUpdate: true }, _count: true });

  it("on start: every book of the feed-suspended markets is re-quoted and they reopen; an admin's suspension and a market without books stay", async () => {
    const [nbaLive, nbaOther] = await liveEvents("basketball_nba");
    const [eplLive] = await liveEvents("soccer_epl");
    if (!nbaLive || !nbaOther || !eplLive) throw new Error("the seed has two live events per sport");
    await feedSuspend(nbaLive);
    await db.market.update({ where: { eventId_key: { eventId: nbaOther, key: "h2h" } }, data: { status: "SUSPENDED" } }); // an admin's
    const bookless = await db.market.findUniqueOrThrow({ where: { eventId_key: { eventId: eplLive, key: "totals" } }, select: { id: true } });
    await db.bookPrice.deleteMany({ where: { outcome: { marketId: bookless.id } } });
    await feedSuspend(eplLive, "totals");
    const suspendedAt = (await markets(nbaLive))[0]?.feedSuspendedAt as Date;
    expect(suspendedAt).toBeInstanceOf(Date);
    const before = await oldestPrice(nbaLive);
    expect(before._min.lastUpdate?.getTime()).toBeLessThan(suspendedAt.getTime());

    feed = await startFeed(dbUrl, redisService.url, { FEED_LEADER_TTL_MS: "1500" });
    await until(async () => (await markets(nbaLive)).every((m) => m.status === "OPEN"), 30_000, "the feed-suspended markets reopened");
    expect((await markets(nbaLive)).map((m) => m.feedSuspendedAt)).toEqual([null, null, null]);
    // Every book of them was quoted afresh before they reopened (same transaction).
    const after = await oldestPrice(nbaLive);
    expect(after._count).toBe(before._count);
    expect(after._min.lastUpdate?.getTime()).toBeGreaterThan(suspendedAt.getTime());
    // The same pass left these alone.
    expect((await markets(nbaOther)).find((m) => m.key === "h2h")).toMatchObject({ status: "SUSPENDED", feedSuspendedAt: null });
    expect((await markets(eplLive)).find((m) => m.key === "totals")).toMatchObject({ status: "SUSPENDED", feedSuspendedAt: expect.any(Date) });
    expect(feed.output()).toMatch(/re-quoted and reopened markets the feed had suspended/);
  });

  it("while it runs: markets a bet stop suspends are found, re-quoted and reopened", async () => {
    const [, nbaOther] = await liveEvents("basketball_nba");
    const [, eplOther] = await liveEvents("soccer_epl");
    if (!nbaOther || !eplOther) throw new Error("the seed has two live events per sport");
    await feedSuspend(eplOther);
    const suspendedAt = (await markets(eplOther))[0]?.feedSuspendedAt as Date;
    await until(async () => (await markets(eplOther)).every((m) => m.status === "OPEN" && m.feedSuspendedAt === null), 30_000, "reopened");
    expect((await oldestPrice(eplOther))._min.lastUpdate?.getTime()).toBeGreaterThan(suspendedAt.getTime());
    expect((await markets(nbaOther)).find((m) => m.key === "h2h")).toMatchObject({ status: "SUSPENDED", feedSuspendedAt: null });
  });

  it("beats as the active simulator, vouching for every sport it simulates a few seconds past its last step", async () => {
    // A beat written while the vouch of the last step still runs (any beat of a healthy simulator).
    await until(
      async () => {
        const last = await beatOf(redis, "simulator", feed as Proc);
        return Object.values(last?.sports ?? {}).some((vouch) => vouch.freshUntil > (last?.at ?? Infinity));
      },
      10_000,
      "a beat vouching ahead",
    );
    const beat = await beatOf(redis, "simulator", feed as Proc);
    expect(beat).toMatchObject({ role: "active", state: "ok", reason: null });
    const sports = (await db.sport.findMany({ select: { key: true } })).map((s) => s.key).sort();
    expect(Object.keys(beat?.sports ?? {}).sort()).toEqual(sports);
    for (const vouch of Object.values(beat?.sports ?? {})) {
      expect(vouch.freshUntil).toBeGreaterThan(beat?.at ?? Infinity);
      expect(vouch.freshUntil).toBeLessThanOrEqual((beat?.at ?? 0) + SIMULATOR_VOUCH_MS);
    }
    expect(beat?.lastProducedAt).toBeGreaterThan(0);
  });
});

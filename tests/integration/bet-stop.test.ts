import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Db, createDb } from "../../lib/db";
import { reopenMarkets } from "../../lib/feed/odds-api/bet-stop";
import { createLogger } from "../../lib/log";
import { KEYS, readTrust } from "../../lib/protocol";
import { databaseNow, suspendInPlay } from "../../lib/publisher/bet-stop";
import { ProducerLiveness } from "../../lib/publisher/producer-liveness";
import { seedDemoData } from "../../prisma/seed";
import { type RedisService, createTestDatabase, startRedisServer } from "../support/services";

const SPORT = "basketball_nba";

/**
 * The publisher's bet stop against a producer's reopening (docs/publisher.md, "Producer
 * liveness"), and the trust record's fence, on a real Postgres and Redis.
 */
describe("the bet stop and the trust record", () => {
  let db: Db;
  let redisService: RedisService;
  let redis: Redis;

  beforeAll(async () => {
    db = createDb(await createTestDatabase(inject("pgServerUrl"), "betstop"));
    await seedDemoData(db, { eventsPerSport: 4 });
    redisService = await startRedisServer();
    redis = new Redis(redisService.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await redisService?.stop();
    await db?.$disconnect();
  });

  const inPlayMarkets = () =>
    db.market.findMany({ where: { event: { sport: SPORT, phase: "LIVE", status: "ACTIVE" } }, orderBy: { id: "asc" }, select: { id: true } });
  const statusOf = async (id: string) => await db.market.findUniqueOrThrow({ where: { id }, select: { status: true, feedSuspendedAt: true } });

  it("leaves alone a market a producer reopened after the stop took the database's time, and stops the others", async () => {
    const [reopened, untouched] = await inPlayMarkets();
    if (!reopened || !untouched) throw new Error("the seed has in-play markets");
    await db.$executeRaw`UPDATE "Market" SET "status" = 'SUSPENDED', "feedSuspendedAt" = now() WHERE "id" = ${reopened.id}::uuid`;
    // The bet stop's round takes its time, then (while it reads the beats) the poller reopens a
    // market on a book re-priced since the suspension.
    const since = await databaseNow(db);
    expect(await reopenMarkets(db, [{ marketId: reopened.id, bookAt: new Date(Date.now() + 60_000) }])).toBe(1);
    const stopped = await suspendInPlay(db, [SPORT], since);
    expect(stopped).toBeGreaterThan(0);
    expect(await statusOf(untouched.id)).toMatchObject({ status: "SUSPENDED", feedSuspendedAt: expect.any(Date) });
    expect(await statusOf(reopened.id)).toEqual({ status: "OPEN", feedSuspendedAt: null });
    // The next round, whose time comes after the reopening, stops it like any other.
    expect(await suspendInPlay(db, [SPORT], await databaseNow(db))).toBe(1);
    expect((await statusOf(reopened.id)).status).toBe("SUSPENDED");
  });

  it("writes the trust record only while this process holds the publisher's lease", async () => {
    const liveness = new ProducerLiveness(
      { db, redis, log: createLogger("test.liveness"), token: () => "mine", tell: () => {} },
      { instanceId: "test", expected: null, silenceMs: 5_000 },
    );
    const publisher = () => ({ status: "ok" as const, reason: null });
    await redis.set(KEYS.publisherLeader, "a successor's token");
    liveness.step(publisher);
    await liveness.settled();
    expect(await redis.get(KEYS.oddsTrust)).toBeNull();
    await redis.set(KEYS.publisherLeader, "mine");
    liveness.step(publisher);
    await liveness.settled();
    expect(await readTrust(redis)).toMatchObject({ instanceId: "test", publisher: { status: "ok" }, producer: { state: "none" } });
  });
});

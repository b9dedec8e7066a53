import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, onTestFailed } from "vitest";
import { type Db, createDb } from "../../lib/db";
import { seedDemoData } from "../../prisma/seed";
import { beatOf, feedInstanceId } from "../support/feeds";
import { until } from "../support/full-stack";
import { type Proc, logsOnFailure } from "../support/processes";
import { type RedisService, createTestDatabase, startRedisServer } from "../support/services";
import { startFeed } from "../support/stack";

/**
 * A feed process that was paused while it produced (SIGSTOP: a long GC, a frozen VM), lost its
 * lease meanwhile and then resumes, writes nothing: its successor raised the producer's term in
 * Postgres, so whatever the resumed one had in flight is refused, and it stands by as soon as it
 * sees the lease gone (docs/odds-source.md, "One poller"). Which of the two it meets first depends
 * on where the pause caught it; tests/integration/producer-fence.test.ts shows the term refusing
 * each case on its own. The successor here moves no prices, so any price written after its term
 * began would be the paused one's.
 */
describe("a paused feed that lost its lease writes nothing when it resumes", () => {
  let dbUrl: string;
  let db: Db;
  let redisService: RedisService;
  let redis: Redis;
  const feeds: Proc[] = [];

  beforeAll(async () => {
    dbUrl = await createTestDatabase(inject("pgServerUrl"), "feedfence");
    db = createDb(dbUrl);
    await seedDemoData(db, { eventsPerSport: 4 });
    redisService = await startRedisServer();
    redis = new Redis(redisService.url);
  });
  beforeEach(() => logsOnFailure(onTestFailed, () => feeds, 80));
  afterAll(async () => {
    for (const feed of feeds) {
      feed.child.kill("SIGCONT");
      await feed.stop();
    }
    redis?.disconnect();
    await redisService?.stop();
    await db?.$disconnect();
  });

  /**
   * Prices written by a statement that ran at or after the current term began (the simulator
   * stamps `updatedAt` with the statement's own time; the term's `since` is taken once its row
   * lock was granted; the database's clock on both sides). What this cannot see is a write whose
   * statement ran before the term and committed after it: raising the term waits for such a
   * write's lock, which tests/integration/producer-fence.test.ts shows on its own.
   */
  const pricesSinceTerm = async () =>
    (
      await db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM "BookPrice" WHERE "updatedAt" >= (SELECT "since" FROM "ProducerTerm" WHERE "producer" = 'simulator')`
    )[0]?.n ?? -1;
  const role = async (proc: Proc) => (await beatOf(redis, "simulator", proc))?.role ?? null;

  it("SIGSTOP the active simulator, the standby takes over; SIGCONT: the old one stands by and no price of it lands", async () => {
    const env = { FEED_LEADER_TTL_MS: "1500", SIMULATOR_BETS_PER_SEC: "0" };
    const paused = await startFeed(dbUrl, redisService.url, { ...env, SIMULATOR_PRICE_UPDATES_PER_SEC: "40" }, "feed a (paused)");
    feeds.push(paused);
    await until(async () => (await role(paused)) === "active", 30_000, "feed a active");
    const successor = await startFeed(dbUrl, redisService.url, { ...env, SIMULATOR_PRICE_UPDATES_PER_SEC: "0" }, "feed b (successor)");
    feeds.push(successor);
    await until(async () => (await role(successor)) === "standby", 30_000, "feed b standing by");
    // Feed a is writing prices under its term.
    await until(async () => (await pricesSinceTerm()) > 0, 30_000, "feed a's prices");

    paused.child.kill("SIGSTOP");
    await until(async () => (await role(successor)) === "active", 60_000, "feed b active");
    const term = await db.producerTerm.findUniqueOrThrow({ where: { producer: "simulator" } });
    expect(term.holder).toBe(feedInstanceId(successor));
    expect(await pricesSinceTerm()).toBe(0);

    const resumedAt = Date.now();
    paused.child.kill("SIGCONT");
    // Positive signal first: the resumed process has run again and says it stands by.
    await until(
      async () => {
        const beat = await beatOf(redis, "simulator", paused);
        return beat !== null && beat.at > resumedAt && beat.role === "standby";
      },
      30_000,
      "feed a beating as standby after it resumed",
    );
    await paused.waitForOutput(/standing by: stopped producing/);
    expect(await pricesSinceTerm()).toBe(0);
    expect(await db.producerTerm.findUniqueOrThrow({ where: { producer: "simulator" } })).toMatchObject({ term: term.term, holder: feedInstanceId(successor) });
    expect(await role(successor)).toBe("active");
  });
});

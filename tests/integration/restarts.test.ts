import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Db, createDb } from "../../lib/db";
import { KEYS } from "../../lib/protocol";
import { DEMO_SPORTS, seedDemoData } from "../../prisma/seed";
import { until } from "../support/full-stack";
import { type LiveClient, boardFromDatabase, liveClient, sequenceReport } from "../support/live-client";
import { priceLoop } from "../support/price-loop";
import type { Proc } from "../support/processes";
import { createTestDatabase, type RedisService, startRedisServer } from "../support/services";
import { type RelayProc, startPublisher, startRelay } from "../support/stack";

const SPORTS = DEMO_SPORTS.map((sport) => sport.key);

/** Relay and Redis restarts while prices keep moving: clients converge, with zero gaps. */
describe("restarts during publishing", () => {
  let db: Db;
  let dbUrl: string;
  let redis: RedisService;
  let client: Redis;
  let relay: RelayProc;
  let publisher: Proc;
  let clients: LiveClient[] = [];

  beforeAll(async () => {
    dbUrl = await createTestDatabase(inject("pgServerUrl"), "restarts");
    db = createDb(dbUrl);
    await seedDemoData(db);
    redis = await startRedisServer({ durable: true });
    client = new Redis(redis.url);
    client.on("error", () => {}); // Redis restarts on purpose here
    relay = await startRelay(redis.url);
    publisher = await startPublisher(dbUrl, redis.url);
    await until(async () => (await client.scard(KEYS.sports)) === SPORTS.length);
  });

  afterAll(async () => {
    for (const c of clients) c.connection.close();
    await publisher?.stop();
    await relay?.stop();
    client?.disconnect();
    await redis?.stop();
    await db?.$disconnect();
  });

  const connectClients = async () => {
    for (const c of clients) c.connection.close();
    clients = [liveClient(relay.url, SPORTS), liveClient(relay.url, SPORTS)];
    await until(async () => clients.every((c) => SPORTS.every((s) => c.store.has(s))));
  };

  /** Waits for quiet, then checks state against Postgres and each client's seq history. */
  const expectConverged = async (allowResync: boolean) => {
    await until(async () => Number((await db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "OddsChange"`)[0]?.n) === 0, 30_000, "queue drained");
    await sleep(500);
    const seqs = new Map(await Promise.all(SPORTS.map(async (s) => [s, Number(await client.get(KEYS.sportSeq(s)))] as const)));
    await until(async () => clients.every((c) => SPORTS.every((s) => c.store.seq(s) === seqs.get(s))), 30_000, "clients caught up");
    const expected = await boardFromDatabase(db);
    for (const c of clients) {
      for (const sport of SPORTS) {
        expect(c.store.board(sport)).toEqual(expected.get(sport) ?? new Map());
        const report = sequenceReport(c.store.received.get(sport) ?? []);
        expect(report.duplicates).toEqual([]);
        expect(report.gaps).toEqual([]);
        if (!allowResync) expect(report.resyncs).toBe(0);
      }
    }
  };

  it("a relay restart: clients reconnect, resume from the seq they hold, and miss nothing", { timeout: 120_000 }, async () => {
    await connectClients();
    const prices = priceLoop(dbUrl);
    await sleep(2_000);
    expect(await relay.stop()).toBe(0);
    await sleep(1_500); // publishing goes on while no relay runs
    relay = await startRelay(redis.url, { RELAY_PORT: String(relay.port) });
    await sleep(2_000);
    await until(async () => prices.written() > 50, 20_000, "50 price updates"); // enough publishing to miss
    await prices.stop();
    await expectConverged(false);
    for (const c of clients) expect(c.connection.status().state).toBe("live");
  });

  it("a Redis restart (data kept): the relay catches up from history, clients miss nothing", { timeout: 120_000 }, async () => {
    await connectClients();
    const prices = priceLoop(dbUrl);
    await sleep(2_000);
    await redis.halt();
    await sleep(1_500);
    await redis.restart();
    await sleep(3_000);
    await prices.stop();
    await expectConverged(false);
  });

  it("Redis loses everything: the publisher republishes above every seq sent and clients resync", { timeout: 120_000 }, async () => {
    await connectClients();
    const prices = priceLoop(dbUrl);
    await sleep(1_500);
    const before = new Map(SPORTS.map((s) => [s, clients[0]?.store.seq(s) ?? 0]));
    await client.flushall();
    await sleep(3_000);
    await prices.stop();
    await expectConverged(true);
    for (const sport of SPORTS) {
      expect(Number(await client.get(KEYS.sportSeq(sport)))).toBeGreaterThan(before.get(sport) ?? 0);
      for (const c of clients) {
        const snapshots = (c.store.received.get(sport) ?? []).filter((r) => r.kind === "snapshot");
        expect(snapshots.at(-1)).toMatchObject({ resync: true }); // told to replace, not to patch
      }
    }
  });
});

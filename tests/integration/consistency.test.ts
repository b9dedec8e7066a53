import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Db, createDb } from "../../lib/db";
import { KEYS, readSportState } from "../../lib/protocol";
import { DEMO_SPORTS, seedDemoData } from "../../prisma/seed";
import { until } from "../support/full-stack";
import { type LiveClient, boardFromDatabase, liveClient, sequenceReport } from "../support/live-client";
import type { Proc } from "../support/processes";
import { createTestDatabase, type RedisService, startRedisServer } from "../support/services";
import { type RelayProc, startPublisher, startRelay } from "../support/stack";
import { runWriters } from "../support/writers";

const SPORTS = DEMO_SPORTS.map((sport) => sport.key);

/**
 * Many writers (long transactions that commit after later ones, rollbacks, status flips, new and
 * ended events) while the leader is killed and replaced: afterwards every client holds exactly the
 * board Postgres implies, and each saw every seq of every sport exactly once.
 */
describe("gap-free under concurrent writers and publisher failover", () => {
  let db: Db;
  let dbUrl: string;
  let redis: RedisService;
  let client: Redis;
  let relay: RelayProc;
  const publishers: Proc[] = [];
  const clients: LiveClient[] = [];

  beforeAll(async () => {
    dbUrl = await createTestDatabase(inject("pgServerUrl"), "consistency");
    db = createDb(dbUrl);
    await seedDemoData(db);
    redis = await startRedisServer();
    client = new Redis(redis.url);
    relay = await startRelay(redis.url);
    for (const id of ["alpha", "beta"]) publishers.push(await startPublisher(dbUrl, redis.url, { PUBLISHER_INSTANCE_ID: id }));
    await until(async () => (await client.scard(KEYS.sports)) === SPORTS.length);
    for (let i = 0; i < 3; i += 1) clients.push(liveClient(relay.url, SPORTS));
    await until(async () => clients.every((c) => SPORTS.every((s) => c.store.has(s))));
  });

  afterAll(async () => {
    for (const c of clients) c.connection.close();
    for (const p of publishers) await p.stop();
    await relay?.stop();
    client?.disconnect();
    await redis?.stop();
    await db?.$disconnect();
  });

  const leader = async () => (await client.get(KEYS.publisherLeader))?.split("#")[0] ?? null;

  it("ends with every client equal to the database, having seen every seq exactly once", { timeout: 120_000 }, async () => {
    const writing = runWriters(dbUrl, 12_000);
    await sleep(3_000);
    const first = await leader();
    await publishers.find((p) => p.name.includes(first ?? "?"))?.kill(); // mid-tick, most likely
    publishers.push(await startPublisher(dbUrl, redis.url, { PUBLISHER_INSTANCE_ID: "gamma" }));
    await sleep(4_000);
    const second = await leader();
    expect(second).not.toBe(first);
    await publishers.find((p) => p.name.includes(second ?? "?"))?.stop(); // clean handover
    const counts = await writing;
    expect(counts.longCommitted).toBeGreaterThan(3);
    expect(counts.longRolledBack).toBeGreaterThan(0);
    expect(counts.statuses).toBeGreaterThan(20);

    // Quiet: the queue is drained and every client holds the seq Redis holds.
    await until(async () => Number((await db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "OddsChange"`)[0]?.n) === 0, 30_000, "queue drained");
    await sleep(500);
    const seqs = new Map(await Promise.all(SPORTS.map(async (s) => [s, Number(await client.get(KEYS.sportSeq(s)))] as const)));
    await until(async () => clients.every((c) => SPORTS.every((s) => c.store.seq(s) === seqs.get(s))), 20_000, "clients caught up");

    const expected = await boardFromDatabase(db);
    for (const sport of SPORTS) {
      const want = expected.get(sport) ?? new Map();
      expect((await readSportState(client, sport)).events).toEqual(want);
      for (const c of clients) {
        expect(c.store.board(sport)).toEqual(want);
        const report = sequenceReport(c.store.received.get(sport) ?? []);
        expect(report).toMatchObject({ duplicates: [], gaps: [], resyncs: 0, last: seqs.get(sport) });
      }
    }
  });
});

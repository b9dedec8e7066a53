import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Db, createDb } from "../../lib/db";
import { DEFAULT_MARGIN_METHOD } from "../../lib/odds";
import { KEYS, type OddsDelta, type OddsSnapshot } from "../../lib/protocol";
import { eventOddsSelect, toEventOdds } from "../../lib/publisher/pricing";
import { seedDemoData } from "../../prisma/seed";
import { type TestClient, connectClient } from "../support/client";
import type { Proc } from "../support/processes";
import { createTestDatabase, type RedisService, startRedisServer } from "../support/services";
import { type RelayProc, startPublisher, startRelay } from "../support/stack";

/** The whole path on real services: Postgres commit → publisher → Redis → relay → socket.io-client. */
describe("a price committed in Postgres reaches subscribers of its sport", () => {
  let db: Db;
  let redis: RedisService;
  let redisClient: Redis;
  let relay: RelayProc;
  let publisher: Proc;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    const dbUrl = await createTestDatabase(inject("pgServerUrl"), "flow");
    db = createDb(dbUrl);
    await seedDemoData(db);
    redis = await startRedisServer();
    redisClient = new Redis(redis.url);
    relay = await startRelay(redis.url);
    publisher = await startPublisher(dbUrl, redis.url);
    await waitUntil(async () => Number(await redisClient.get(KEYS.sportSeq("basketball_nba"))) > 0);
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await publisher?.stop();
    await relay?.stop();
    redisClient?.disconnect();
    await redis?.stop();
    await db?.$disconnect();
  });

  it("delivers odds:delta with the new value and seq = previous + 1, and nothing to other sports", async () => {
    const nba = await connectClient(relay.url);
    const epl = await connectClient(relay.url);
    clients.push(nba, epl);
    expect(await nba.emit("subscribe", { sports: ["basketball_nba"] })).toMatchObject({ ok: true });
    expect(await epl.emit("subscribe", { sports: ["soccer_epl"] })).toMatchObject({ ok: true });
    const snapshot: OddsSnapshot = await nba.waitFor("odds:snapshot");
    expect(snapshot.events.length).toBe(12);
    const target = snapshot.events[3];
    expect(target?.markets.h2h?.outcomes.home).toBeDefined();
    const before = target?.markets.h2h?.outcomes.home?.price ?? 0;

    // Every bookmaker lengthens the home side a lot: the price we offer must move.
    const writtenFrom = Date.now();
    await db.$executeRaw`
      UPDATE "BookPrice" bp SET price = bp.price * 1.6, "lastUpdate" = now()
      FROM "Outcome" o JOIN "Market" m ON m.id = o."marketId"
      WHERE bp."outcomeId" = o.id AND m."eventId" = ${target?.id}::uuid AND m.key = 'h2h' AND o.key = 'home'`;
    const expected = toEventOdds(await db.event.findUniqueOrThrow({ where: { id: target?.id }, select: eventOddsSelect }), {
      margin: 0.05,
      liquidity: 5_000,
      method: DEFAULT_MARGIN_METHOD,
    });
    const expectedPrice = expected.markets.h2h?.outcomes.home?.price;
    expect(expectedPrice).toBeGreaterThan(before);

    const delta: OddsDelta = await nba.waitFor("odds:delta", (d) =>
      d.changes.some((c) => c.eventId === target?.id && c.path === "markets.h2h.outcomes.home.price"),
    );
    const change = delta.changes.find((c) => c.eventId === target?.id && c.path === "markets.h2h.outcomes.home.price");
    expect(change?.value).toBe(expectedPrice);
    // It says when the write it carries was made (same machine, same clock: 50 ms for rounding).
    expect(delta.origin).toBeGreaterThanOrEqual(writtenFrom - 50);
    expect(delta.origin).toBeLessThanOrEqual(delta.ts);
    const seqsSeen = [snapshot.seq, ...nba.of("odds:delta").map((d) => d.seq)];
    expect(delta.prevSeq).toBe(delta.seq - 1);
    expect(seqsSeen).toEqual(seqsSeen.map((_, i) => snapshot.seq + i)); // every seq once, in order

    await new Promise((resolve) => setTimeout(resolve, 1_000)); // several more ticks
    expect(epl.of("odds:delta")).toEqual([]);
  });

  it("reports a removed event: an ENDED event leaves the board in one delta", async () => {
    const nba = await connectClient(relay.url);
    clients.push(nba);
    await nba.emit("subscribe", { sports: ["basketball_nba"] });
    const snapshot: OddsSnapshot = await nba.waitFor("odds:snapshot");
    const target = snapshot.events[0];
    await db.event.update({ where: { id: target?.id }, data: { status: "ENDED" } });
    const delta = await nba.waitFor("odds:delta", (d) => d.changes.some((c) => c.eventId === target?.id));
    expect(delta.changes).toContainEqual({ eventId: target?.id, path: "", value: null });
    expect(delta.seq).toBe(snapshot.seq + 1);
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

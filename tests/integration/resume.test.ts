import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it, onTestFailed } from "vitest";
import { type Db, createDb } from "../../lib/db";
import { KEYS } from "../../lib/protocol";
import { seedDemoData } from "../../prisma/seed";
import { until } from "../support/full-stack";
import { type LiveClient, type Received, boardFromDatabase, liveClient, sequenceReport } from "../support/live-client";
import { priceLoop } from "../support/price-loop";
import { type Proc, logsOnFailure } from "../support/processes";
import { createTestDatabase, type RedisService, startRedisServer } from "../support/services";
import { type RelayProc, startPublisher, startRelay } from "../support/stack";

const SPORTS = ["basketball_nba", "soccer_epl"];

interface Stack {
  db: Db;
  dbUrl: string;
  redis: RedisService;
  client: Redis;
  relays: RelayProc[];
  publisher: Proc;
}

async function startStack(label: string, publisherEnv: Record<string, string>, relayEnvs: Record<string, string>[]): Promise<Stack> {
  const dbUrl = await createTestDatabase(inject("pgServerUrl"), label);
  const db = createDb(dbUrl);
  await seedDemoData(db);
  const redis = await startRedisServer();
  const client = new Redis(redis.url);
  const relays = await Promise.all(relayEnvs.map((env) => startRelay(redis.url, env)));
  const publisher = await startPublisher(dbUrl, redis.url, publisherEnv);
  await until(async () => (await client.scard(KEYS.sports)) > 0);
  return { db, dbUrl, redis, client, relays, publisher };
}

async function stopStack(stack: Stack | undefined): Promise<void> {
  if (!stack) return;
  await stack.publisher.stop();
  for (const relay of stack.relays) await relay.stop();
  stack.client.disconnect();
  await stack.redis.stop();
  await stack.db.$disconnect();
}

/** Converged: same seq as Redis on every sport, and the exact board Postgres implies. */
async function expectExact(stack: Stack, live: LiveClient): Promise<void> {
  await until(async () => Number((await stack.db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "OddsChange"`)[0]?.n) === 0, 20_000, "queue drained");
  await sleep(400);
  const seqs = new Map(await Promise.all(SPORTS.map(async (s) => [s, Number(await stack.client.get(KEYS.sportSeq(s)))] as const)));
  await until(async () => SPORTS.every((s) => live.store.seq(s) === seqs.get(s)), 20_000, "client caught up");
  const expected = await boardFromDatabase(stack.db);
  for (const sport of SPORTS) expect(live.store.board(sport)).toEqual(expected.get(sport));
}

/** Goes away (closes its socket, keeps its store) for `awayMs` while prices move, then comes back. */
async function awayWhilePublishing(
  stack: Stack,
  url: string,
  live: LiveClient,
  awayMs: number,
): Promise<{ back: LiveClient; missed: Map<string, Received[]>; heldBefore: Map<string, number> }> {
  const prices = priceLoop(stack.dbUrl, 30);
  await sleep(500);
  live.connection.close();
  const heldBefore = new Map(SPORTS.map((s) => [s, live.store.seq(s) ?? 0]));
  const lengths = new Map(SPORTS.map((s) => [s, live.store.received.get(s)?.length ?? 0]));
  await sleep(awayMs);
  await prices.stop();
  const back = liveClient(url, SPORTS, live.store);
  await expectExact(stack, back);
  const missed = new Map(SPORTS.map((s) => [s, (live.store.received.get(s) ?? []).slice(lengths.get(s) ?? 0)]));
  return { back, missed, heldBefore };
}

describe("resume after a dropped connection", () => {
  let stack: Stack;
  const lives: LiveClient[] = [];

  beforeAll(async () => {
    // The second relay keeps only 5 deltas in memory, so resumes there must read Redis history.
    stack = await startStack("resume", {}, [{}, { RELAY_REPLAY_DELTAS: "5" }]);
  });
  afterAll(async () => {
    for (const live of lives) live.connection.close();
    await stopStack(stack);
  });

  it("a client away for 30 s gets what it missed as one merged delta from the seq it held, and no snapshot", { timeout: 120_000 }, async () => {
    logsOnFailure(onTestFailed, () => [stack.publisher, ...stack.relays]);
    const [memoryRelay, historyRelay] = stack.relays;
    const viaMemory = liveClient(memoryRelay?.url ?? "", SPORTS);
    const viaHistory = liveClient(historyRelay?.url ?? "", SPORTS);
    lives.push(viaMemory, viaHistory);
    await until(async () => SPORTS.every((s) => viaMemory.store.has(s) && viaHistory.store.has(s)));
    const prices = priceLoop(stack.dbUrl, 30);
    await sleep(500);
    viaMemory.connection.close();
    viaHistory.connection.close();
    const before = SPORTS.map((s) => [viaMemory.store.received.get(s)?.length ?? 0, viaHistory.store.received.get(s)?.length ?? 0]);
    await sleep(30_000);
    await until(async () => prices.written() > 300, 30_000, "300 price updates"); // plenty missed, whatever the machine's pace
    await prices.stop();
    const backs = [liveClient(memoryRelay?.url ?? "", SPORTS, viaMemory.store), liveClient(historyRelay?.url ?? "", SPORTS, viaHistory.store)];
    lives.push(...backs);
    for (const back of backs) await expectExact(stack, back);
    for (const [i, sport] of SPORTS.entries()) {
      for (const [j, live] of [viaMemory, viaHistory].entries()) {
        const all = live.store.received.get(sport) ?? [];
        const afterReturn = all.slice(before[i]?.[j] ?? 0);
        expect(afterReturn.filter((r) => r.kind === "snapshot")).toEqual([]); // only what it missed
        // The page asks for a merged replay: one delta from the seq it held over everything it missed.
        const [replay] = afterReturn;
        expect(replay?.kind === "delta" && replay.seq - replay.prevSeq).toBeGreaterThan(20);
        expect(sequenceReport(all)).toMatchObject({ duplicates: [], gaps: [], resyncs: 0 });
      }
    }
  });
});

describe("resume after longer than the history", () => {
  let stack: Stack;
  const lives: LiveClient[] = [];

  beforeAll(async () => {
    stack = await startStack("resync", { ODDS_HISTORY_MAX_AGE_MS: "2000" }, [{ RELAY_REPLAY_MAX_AGE_MS: "2000" }]);
  });
  afterAll(async () => {
    for (const live of lives) live.connection.close();
    await stopStack(stack);
  });

  it("gets a fresh snapshot flagged resync, and then the exact state", { timeout: 120_000 }, async () => {
    const url = stack.relays[0]?.url ?? "";
    const live = liveClient(url, SPORTS);
    lives.push(live);
    await until(async () => SPORTS.every((s) => live.store.has(s)));
    const { back, missed, heldBefore } = await awayWhilePublishing(stack, url, live, 6_000);
    lives.push(back);
    for (const sport of SPORTS) {
      const first = missed.get(sport)?.[0];
      expect(first).toMatchObject({ kind: "snapshot", resync: true });
      expect(first?.seq).toBeGreaterThan(heldBefore.get(sport) ?? 0);
    }
    const history = await stack.client.xlen(KEYS.sportHistory("basketball_nba"));
    expect(history).toBeLessThan(100); // the age limit really trims
  });
});

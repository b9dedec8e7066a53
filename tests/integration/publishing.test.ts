import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it, onTestFailed } from "vitest";
import { type Db, createDb } from "../../lib/db";
import {
  CHANNELS,
  FeedStatusMessage,
  HEARTBEAT_MAX_MS,
  HistoryMessage,
  KEYS,
  type OddsDeltaMessage,
  parseJson,
  parseStoredEvent,
  silenceLimitMs,
} from "../../lib/protocol";
import { setDesired } from "../../lib/publisher/control";
import { seedDemoData } from "../../prisma/seed";
import { type TestClient, connectClient } from "../support/client";
import { until } from "../support/full-stack";
import { boardFromDatabase } from "../support/live-client";
import { type Proc, logsOnFailure } from "../support/processes";
import { createTestDatabase, type RedisService, startRedisServer } from "../support/services";
import { type RelayProc, startPublisher, startRelay } from "../support/stack";

interface Stack {
  db: Db;
  redis: RedisService;
  client: Redis;
  bus: Redis;
  seen: HistoryMessage[];
  relay: RelayProc;
  publisher: Proc;
}

async function startStack(label: string, env: Record<string, string>): Promise<Stack> {
  const dbUrl = await createTestDatabase(inject("pgServerUrl"), label);
  const db = createDb(dbUrl);
  await seedDemoData(db);
  const redis = await startRedisServer();
  const client = new Redis(redis.url);
  const bus = new Redis(redis.url);
  const seen: HistoryMessage[] = [];
  bus.on("message", (_c: string, raw: string) => {
    const message = parseJson(HistoryMessage, raw);
    if (message.ok) seen.push(message.message); // deltas and resync markers; not heartbeats or summaries
  });
  await bus.subscribe(CHANNELS.sportsOdds);
  const relay = await startRelay(redis.url);
  const publisher = await startPublisher(dbUrl, redis.url, env);
  await until(async () => (await client.scard(KEYS.sports)) === 5);
  return { db, redis, client, bus, seen, relay, publisher };
}

async function stopStack(stack: Stack | undefined): Promise<void> {
  if (!stack) return;
  await stack.publisher.stop();
  await stack.relay.stop();
  stack.bus.disconnect();
  stack.client.disconnect();
  await stack.redis.stop();
  await stack.db.$disconnect();
}

const touches = (message: HistoryMessage, eventId: string, path?: string) =>
  message.type === "odds:delta" && message.changes.some((c) => c.eventId === eventId && (path === undefined || c.path === path));

/** With a 30 s interval, only a commit's notification can publish within seconds. */
describe("publishing on commit", () => {
  let stack: Stack;
  let watcher: TestClient;

  beforeAll(async () => {
    stack = await startStack("priority", { PUBLISHER_INTERVAL_MS: "30000", LOG_LEVEL: "debug" }); // debug: priority wake-ups and ticks in the log
    watcher = await connectClient(stack.relay.url);
    await watcher.emit("subscribe", { sports: ["soccer_epl"] });
    await sleep(500); // the reconcile at leadership is done; the next regular step is 30 s away
  });
  afterAll(async () => {
    watcher?.close();
    await stopStack(stack);
  });

  it("a price goes out on its commit, not at the interval, and a suspension goes out at once", async () => {
    const [event] = await stack.db.event.findMany({ where: { sport: "soccer_epl", phase: "PREMATCH" }, select: { id: true }, take: 1 });
    const id = event?.id ?? "";
    await stack.db
      .$executeRaw`UPDATE "BookPrice" bp SET price = bp.price * 1.5 FROM "Outcome" o JOIN "Market" m ON m.id = o."marketId" WHERE bp."outcomeId" = o.id AND m."eventId" = ${id}::uuid AND o.key = 'home' AND m.key = 'h2h'`;
    await watcher.waitFor("odds:delta", (d) => d.changes.some((c) => c.eventId === id && c.path === "markets.h2h.outcomes.home.price"), 10_000);
    await stack.db.event.update({ where: { id }, data: { status: "SUSPENDED" } });
    const delta = await watcher.waitFor("odds:delta", (d) => d.changes.some((c) => c.eventId === id && c.path === "status"), 10_000);
    expect(delta.changes).toContainEqual({ eventId: id, path: "status", value: "suspended" });
  });

  it("a stream of commits reaches clients within the sport's delta budget, conflated, ending at the last value", async () => {
    const events = await stack.db.event.findMany({ where: { sport: "soccer_epl", status: "ACTIVE", phase: "PREMATCH" }, select: { id: true }, take: 2 });
    const [hot, marker] = events.map((e) => e.id);
    const book = await stack.db.bookPrice.findFirstOrThrow({
      where: { outcome: { key: "home", market: { key: "h2h", eventId: hot } } },
      select: { id: true, price: true },
    });
    const from = stack.seen.length;
    const started = performance.now();
    const commits = 120;
    for (let i = 1; i <= commits; i += 1) {
      // One transaction each: a notification and a possible step each.
      await stack.db.bookPrice.update({ where: { id: book.id }, data: { price: Number(book.price) + i / 100 } });
    }
    // A later change to another event of the sport, reread whole: once it arrived, so had everything before it.
    await stack.db.event.update({ where: { id: marker }, data: { status: "SUSPENDED" } });
    await until(async () => stack.seen.slice(from).some((m) => touches(m, marker ?? "", "status")), 10_000, "the marker delta");
    const elapsedMs = performance.now() - started;
    const deltas = stack.seen.slice(from).filter((m): m is OddsDeltaMessage => m.type === "odds:delta" && m.sport === "soccer_epl");
    // 4 at once, 16 a second after that (lib/publisher/delta-budget.ts), plus the marker's own.
    expect(deltas.length).toBeLessThanOrEqual(4 + Math.ceil((elapsedMs * 16) / 1_000) + 1);
    expect(deltas.length).toBeLessThan(commits / 2); // conflated: far fewer deltas than commits
    const hotDeltas = deltas.filter((d) => touches(d, hot ?? ""));
    expect(hotDeltas.length).toBeGreaterThan(0);
    const seqs = deltas.map((d) => d.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const expected = (await boardFromDatabase(stack.db)).get("soccer_epl")?.get(hot ?? "");
    const published = parseStoredEvent((await stack.client.hget(KEYS.sportState("soccer_epl"), hot ?? "")) ?? "");
    expect(published?.markets.h2h?.outcomes.home?.price).toBe(expected?.markets.h2h?.outcomes.home?.price);
  });

  it("goals, going live, ending and market suspensions are priority too", async () => {
    logsOnFailure(onTestFailed, () => [stack.publisher, stack.relay]);
    onTestFailed(async () => {
      const history = await stack.client.xrange(KEYS.sportHistory("soccer_epl"), "-", "+");
      console.log(
        "HISTORY",
        history
          .slice(-4)
          .map(([id, fields]) => `${id} ${String(fields[1]).slice(0, 300)}`)
          .join("\n"),
      );
    });
    // Chosen by phase: setting LIVE on an event already in play changes nothing, and publishes nothing.
    const prematch = await stack.db.event.findMany({
      where: { sport: "soccer_epl", status: "ACTIVE", phase: "PREMATCH" },
      select: { id: true, markets: { select: { id: true }, take: 1 } },
      orderBy: { id: "asc" },
      take: 3,
    });
    const goal = await stack.db.event.findFirstOrThrow({ where: { sport: "soccer_epl", status: "ACTIVE", phase: "LIVE" }, select: { id: true } });
    const [kickoff, ended, market] = prematch;
    const waitFor = (id: string, path: string) =>
      watcher.waitFor("odds:delta", (d) => d.changes.some((c) => c.eventId === id && c.path.startsWith(path)), 10_000);
    await stack.db.event.update({ where: { id: goal?.id }, data: { homeScore: 5, awayScore: 4 } });
    await waitFor(goal?.id ?? "", "score");
    await stack.db.event.update({ where: { id: kickoff?.id }, data: { phase: "LIVE" } });
    await waitFor(kickoff?.id ?? "", "phase");
    await stack.db.event.update({ where: { id: ended?.id }, data: { status: "ENDED" } });
    await waitFor(ended?.id ?? "", "");
    await stack.db.market.update({ where: { id: market?.markets[0]?.id }, data: { status: "SUSPENDED" } });
    await waitFor(market?.id ?? "", "markets.");
  });
});

describe("coalescing and large deltas", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack("coalesce", { ODDS_MAX_DELTA_BYTES: "4096" });
  });
  afterAll(async () => stopStack(stack));

  it("several commits to one price while paused publish as one change with the last value", async () => {
    await setDesired(stack.db, stack.client, { state: "stopped", intervalMs: 100, updatedBy: "test" });
    await until(async () => (await stack.client.hget(KEYS.publisherStatus, "running")) === "false");
    const outcome = await stack.db.outcome.findFirstOrThrow({
      where: { key: "home", market: { key: "h2h", event: { sport: "basketball_nba" } } },
      select: { id: true, market: { select: { eventId: true } } },
    });
    for (const price of [3.1, 5.7, 9.9]) {
      await stack.db.bookPrice.updateMany({ where: { outcomeId: outcome.id }, data: { price } });
    }
    const from = stack.seen.length;
    await setDesired(stack.db, stack.client, { state: "running", intervalMs: 100, updatedBy: "test" });
    await until(async () => stack.seen.slice(from).some((m) => touches(m, outcome.market.eventId)));
    const deltas = stack.seen.slice(from).filter((m): m is OddsDeltaMessage => touches(m, outcome.market.eventId, "markets.h2h.outcomes.home.price"));
    expect(deltas).toHaveLength(1);
    const changes = deltas[0]?.changes.filter((c) => c.eventId === outcome.market.eventId && c.path === "markets.h2h.outcomes.home.price");
    expect(changes).toHaveLength(1);
    const expected = (await boardFromDatabase(stack.db)).get("basketball_nba")?.get(outcome.market.eventId)?.markets.h2h?.outcomes.home?.price;
    expect(changes?.[0]?.value).toBe(expected); // priced from 9.9, the last commit
  });

  it("a delta over the size limit goes out as a resync; clients get the whole state", async () => {
    const watcher = await connectClient(stack.relay.url);
    try {
      await watcher.emit("subscribe", { sports: ["americanfootball_nfl"] });
      const first = await watcher.waitFor("odds:snapshot");
      const from = stack.seen.length;
      await stack.db
        .$executeRaw`UPDATE "BookPrice" bp SET price = bp.price * 1.3 FROM "Outcome" o JOIN "Market" m ON m.id = o."marketId" JOIN "Event" e ON e.id = m."eventId" WHERE bp."outcomeId" = o.id AND e.sport = 'americanfootball_nfl'`;
      const resync = await watcher.waitFor("odds:snapshot", (s) => s.resync === true && s.seq > first.seq);
      const marker = stack.seen.slice(from).find((m) => m.sport === "americanfootball_nfl");
      expect(marker).toMatchObject({ type: "odds:resync", reason: "large_delta", seq: first.seq + 1 });
      await until(async () => Number((await stack.db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "OddsChange"`)[0]?.n) === 0);
      const expected = (await boardFromDatabase(stack.db)).get("americanfootball_nfl");
      expect(new Map(resync.events.map((e) => [e.id, e]))).toEqual(expected);
    } finally {
      watcher.close();
    }
  });
});

describe("feed status with a long leader lease", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack("longlease", { PUBLISHER_LEADER_TTL_MS: "30000" });
  });
  afterAll(async () => stopStack(stack));

  it("heartbeats still come every second, and relays keep a healthy feed live", async () => {
    const heartbeats: FeedStatusMessage[] = [];
    const listener = new Redis(stack.redis.url);
    listener.on("message", (_channel: string, raw: string) => {
      const message = parseJson(FeedStatusMessage, raw);
      if (message.ok) heartbeats.push(message.message);
    });
    await listener.subscribe(CHANNELS.sportsOdds);
    const watcher = await connectClient(stack.relay.url);
    try {
      await watcher.emit("subscribe", { sports: ["soccer_epl"] });
      const { seq } = await watcher.waitFor("odds:snapshot");
      await watcher.waitFor("feed:status", (s) => s.status === "live");
      // Let more than the relays' shortest silence limit pass, then commit a price: once its
      // delta has arrived, any "stale" the relay sent in the meantime has arrived too.
      await sleep(silenceLimitMs(HEARTBEAT_MAX_MS) + 1_500);
      await stack.db
        .$executeRaw`UPDATE "BookPrice" SET price = price + 0.01 WHERE id = (SELECT bp.id FROM "BookPrice" bp JOIN "Outcome" o ON o.id = bp."outcomeId" JOIN "Market" m ON m.id = o."marketId" JOIN "Event" e ON e.id = m."eventId" WHERE e.sport = 'soccer_epl' LIMIT 1)`;
      await watcher.waitFor("odds:delta", (d) => d.seq > seq);
      const statuses = watcher.of("feed:status").map((s) => s.status);
      expect(statuses.slice(statuses.indexOf("live"))).toEqual(["live"]);
      expect(heartbeats.length).toBeGreaterThan(0);
      expect(new Set(heartbeats.map((h) => h.heartbeatMs))).toEqual(new Set([1_000]));
    } finally {
      watcher.close();
      listener.disconnect();
    }
  });
});

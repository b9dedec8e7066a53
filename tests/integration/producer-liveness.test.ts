// Over 300 lines: each way a producer goes quiet and comes back, against one stack with real feed processes.
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, onTestFailed } from "vitest";
import { signRelayToken } from "../../lib/accounts/relay-token";
import { type Db, createDb } from "../../lib/db";
import { beatAsPoller } from "../support/feeds";
import { type AdminEvent, ESPORTS_SPORT_KEY, type FeedStatus, KEYS, readSportState, readTrust } from "../../lib/protocol";
import { readDesired, readStatus, setDesired } from "../../lib/publisher/control";
import { readProducerStatus } from "../../lib/publisher/producer-status";
import { seedDemoData } from "../../prisma/seed";
import { type TestClient, connectClient } from "../support/client";
import { until } from "../support/full-stack";
import { type Proc, logsOnFailure } from "../support/processes";
import { createTestDatabase, type RedisService, startRedisServer } from "../support/services";
import { type RelayProc, TEST_JWT_SECRET, startFeed, startPublisher, startRelay } from "../support/stack";

/** PRODUCER_SILENCE_MS as the publishers here run it (the default). */
const SILENCE_MS = 5_000;

interface Stack {
  db: Db;
  dbUrl: string;
  redis: RedisService;
  client: Redis;
  relay: RelayProc;
  publisher: Proc;
}

async function startStack(label: string, publisherEnv: Record<string, string>): Promise<Stack> {
  const dbUrl = await createTestDatabase(inject("pgServerUrl"), label);
  const db = createDb(dbUrl);
  await seedDemoData(db);
  const redis = await startRedisServer();
  const client = new Redis(redis.url);
  const relay = await startRelay(redis.url, { RELAY_ALLOWED_ORIGINS: "*" });
  const publisher = await startPublisher(dbUrl, redis.url, { PUBLISHER_INSTANCE_ID: "solo", ...publisherEnv });
  return { db, dbUrl, redis, client, relay, publisher };
}

async function stopStack(stack: Stack | undefined): Promise<void> {
  if (!stack) return;
  await Promise.all([stack.publisher.stop(), stack.relay.stop()]);
  stack.client.disconnect();
  await stack.redis.stop();
  await stack.db.$disconnect();
}

/** One open market of an in-play (or prematch) event of `sport` on the board, as Postgres has it. */
async function marketOf(db: Db, sport: string, phase: "LIVE" | "PREMATCH") {
  const where = sport === ESPORTS_SPORT_KEY ? { sport: null, isEsports: true } : { sport };
  return db.market.findFirstOrThrow({
    where: { status: "OPEN", event: { ...where, phase, status: "ACTIVE" } },
    select: { id: true, key: true, eventId: true },
  });
}

/**
 * An in-play market of `sport`, open: reopened by hand (as an admin would) when a bet stop holds
 * it. The publisher may well have judged the simulator down before its first beat and stopped
 * bets on every in-play market; reopening them is the producer's business, not this test's.
 */
async function openInPlay(db: Db, sport: string) {
  const market = await db.market.findFirstOrThrow({
    where: { status: { in: ["OPEN", "SUSPENDED"] }, event: { sport, phase: "LIVE", status: "ACTIVE" } },
    select: { id: true, key: true, eventId: true },
  });
  await db.market.updateMany({ where: { id: market.id, status: "SUSPENDED" }, data: { status: "OPEN", feedSuspendedAt: null } });
  return market;
}

const marketRow = (db: Db, id: string) => db.market.findUniqueOrThrow({ where: { id }, select: { status: true, feedSuspendedAt: true } });

/** The market's status on the board (the canonical state in Redis the relays serve). */
async function boardStatus(redis: Redis, sport: string, eventId: string, key: string): Promise<string | undefined> {
  return (await readSportState(redis, sport)).events.get(eventId)?.markets[key]?.status;
}

async function watch(relayUrl: string, sport: string, token?: string): Promise<TestClient> {
  const socket = await connectClient(relayUrl, token ? { token } : {});
  await socket.emit("subscribe", { sports: [sport] });
  return socket;
}

/**
 * The first `event` the socket received after its first `from` messages that matches: what an
 * earlier moment said (the publisher judging the simulator down before its first beat) is not
 * what this step caused.
 */
async function received<E extends "feed:status" | "admin:event">(
  socket: TestClient,
  from: number,
  event: E,
  predicate: (payload: E extends "feed:status" ? FeedStatus : AdminEvent) => boolean,
  timeoutMs: number,
) {
  type Payload = E extends "feed:status" ? FeedStatus : AdminEvent;
  const find = () => socket.received.slice(from).find((r) => r.event === event && predicate(r.payload as Payload))?.payload as Payload | undefined;
  await until(async () => find() !== undefined, timeoutMs, `a ${event} after message ${from}`);
  return find() as Payload;
}

describe("producer liveness: the simulator as the producer", () => {
  const SPORT = "basketball_nba";
  let stack: Stack;
  let feed: Proc;
  let watcher: TestClient;
  let admin: TestClient;

  beforeAll(async () => {
    stack = await startStack("liveness_sim", { SIMULATOR_ENABLED: "true" });
    feed = await startFeed(stack.dbUrl, stack.redis.url, { SIMULATOR_ENABLED: "true", SIMULATOR_PRICE_UPDATES_PER_SEC: "50" });
    watcher = await watch(stack.relay.url, SPORT);
    admin = await watch(stack.relay.url, SPORT, (await signRelayToken({ sub: "admin-1", role: "admin" }, TEST_JWT_SECRET, Date.now())).token);
  });
  beforeEach(() => logsOnFailure(onTestFailed, () => [feed, stack?.publisher, stack?.relay], 60));
  afterAll(async () => {
    watcher?.close();
    admin?.close();
    feed?.child.kill("SIGCONT"); // a stopped process cannot act on SIGTERM
    await feed?.stop();
    await stopStack(stack);
  });

  it("while the simulator beats, its sports are live and the trust record vouches for them", async () => {
    await until(async () => (await readTrust(stack.client))?.producer.state === "up", 30_000, "the publisher to hear the simulator");
    const trust = await readTrust(stack.client);
    expect(trust).toMatchObject({ instanceId: "solo", publisher: { status: "ok", reason: null }, producer: { name: "simulator", state: "up", reason: null } });
    expect(trust?.staleSports).not.toHaveProperty(SPORT);
    await watcher.waitFor("feed:status", (s) => s.status === "live" && s.sports?.[SPORT] === undefined, 20_000);
    const producer = await readProducerStatus(stack.client, { expected: "simulator", silenceMs: SILENCE_MS });
    expect(producer).toMatchObject({ expected: "simulator", state: "up", judgedBy: "solo" });
    expect(producer.instances).toContainEqual(expect.objectContaining({ producer: "simulator", role: "active", state: "ok" }));
  });

  it("a quiet simulator (SIGSTOP): the feed turns stale with why, admins hear it, the trust record says so, and in-play markets stop, while the publisher's own health stays ok", async () => {
    const inPlay = await openInPlay(stack.db, SPORT);
    const prematch = await marketOf(stack.db, SPORT, "PREMATCH");
    await until(async () => (await boardStatus(stack.client, SPORT, inPlay.eventId, inPlay.key)) === "open", 20_000, "the in-play market open on the board");
    const [seen, told] = [watcher.received.length, admin.received.length];
    feed.child.kill("SIGSTOP");

    const stale = await received(watcher, seen, "feed:status", (s) => s.status === "stale", 30_000);
    expect(stale.reason).toBe(`the odds producer is down: no heartbeat from the simulator for over ${SILENCE_MS / 1000} s`);
    const down = await received(admin, told, "admin:event", (e) => e.kind === "producer_down", 10_000);
    expect(down).toMatchObject({
      kind: "producer_down",
      data: { producer: "simulator", reason: `no heartbeat from the simulator for over ${SILENCE_MS / 1000} s`, lastHeardAt: expect.any(Number) },
    });

    await until(async () => (await readTrust(stack.client))?.producer.state === "down", 10_000, "the trust record to say down");
    const trust = await readTrust(stack.client);
    expect(trust).toMatchObject({ publisher: { status: "ok" }, producer: { name: "simulator", state: "down" } });
    expect(trust?.staleSports[SPORT]).toBe(`no heartbeat from the simulator for over ${SILENCE_MS / 1000} s`);
    // The status route's two parts: the publisher is healthy, the producer is down.
    const health = (await readStatus(stack.client, await readDesired(stack.db), { intervalMs: 100, autostart: true })).health;
    expect(health).toEqual({ status: "ok" });
    const producer = await readProducerStatus(stack.client, { expected: "simulator", silenceMs: SILENCE_MS });
    expect(producer).toMatchObject({
      state: "down",
      reason: `no heartbeat from the simulator for over ${SILENCE_MS / 1000} s`,
      judgedBy: "solo",
      since: expect.any(String),
    });

    // Bet stop: the in-play market in Postgres (marked as the feed's) and on the board.
    await until(async () => (await marketRow(stack.db, inPlay.id)).status === "SUSPENDED", 10_000, "the in-play market suspended");
    expect((await marketRow(stack.db, inPlay.id)).feedSuspendedAt).not.toBeNull();
    await until(
      async () => (await boardStatus(stack.client, SPORT, inPlay.eventId, inPlay.key)) === "suspended",
      10_000,
      "the in-play market suspended on the board",
    );
    // Suspended by the same statement: prematch markets are not part of the bet stop.
    expect((await marketRow(stack.db, prematch.id)).status).toBe("OPEN");
    const stillOpen = await stack.db.market.count({ where: { status: "OPEN", event: { phase: "LIVE", status: "ACTIVE" } } });
    expect(stillOpen).toBe(0);
  });

  it("back (SIGCONT): live again and admins hear it", async () => {
    const [seen, told] = [watcher.received.length, admin.received.length];
    feed.child.kill("SIGCONT");
    await received(watcher, seen, "feed:status", (s) => s.status === "live", 30_000);
    const up = await received(admin, told, "admin:event", (e) => e.kind === "producer_up", 10_000);
    expect(up).toMatchObject({ data: { producer: "simulator", downForMs: expect.any(Number) } });
    // Told once each way: no second down while the producer was back.
    expect(admin.received.slice(told).filter((r) => (r.payload as AdminEvent).kind === "producer_down")).toEqual([]);
    await until(async () => (await readTrust(stack.client))?.producer.state === "up", 10_000, "the trust record to say up");
  });

  it("while an admin has stopped the publisher, the leader still judges a dead producer and stops bets; pages say stopped until it runs again, then stale", async () => {
    const target = await openInPlay(stack.db, SPORT);
    const seen = watcher.received.length;
    await setDesired(stack.db, stack.client, { state: "stopped", intervalMs: 100, updatedBy: "test" });
    await received(watcher, seen, "feed:status", (s) => s.status === "stopped", 20_000);
    await until(async () => (await readTrust(stack.client))?.publisher.status === "stopped", 10_000, "the trust record to say stopped");
    expect((await readTrust(stack.client))?.producer.state).toBe("up");
    expect((await marketRow(stack.db, target.id)).status).toBe("OPEN");

    await feed.kill(); // a crash, this time
    await until(async () => (await readTrust(stack.client))?.producer.state === "down", 30_000, "the trust record to say down while stopped");
    expect((await readTrust(stack.client))?.publisher).toEqual({ status: "stopped", reason: "the publisher was stopped by an admin" });
    await until(
      async () => (await marketRow(stack.db, target.id)).status === "SUSPENDED",
      10_000,
      "the in-play market suspended while the publisher is stopped",
    );
    expect((await marketRow(stack.db, target.id)).feedSuspendedAt).not.toBeNull();

    // An admin's stop says more to pages than the producer's state: while stopped, pages heard
    // nothing of the down producer; once the publisher runs again, they do.
    const producerDown = (s: FeedStatus) => s.status === "stale" && (s.reason ?? "").startsWith("the odds producer is down");
    const restarted = watcher.received.length;
    await setDesired(stack.db, stack.client, { state: "running", intervalMs: 100, updatedBy: "test" });
    await received(watcher, restarted, "feed:status", producerDown, 20_000);
    const whileStopped = watcher.received
      .slice(seen, restarted)
      .filter((r) => r.event === "feed:status")
      .map((r) => r.payload as FeedStatus);
    expect(whileStopped.map((s) => s.status)).toEqual(["stopped"]);
  });
});

describe("producer liveness per sport, and no books, no market (the test plays The Odds API poller through its beats)", () => {
  const FRESH = "basketball_nba";
  const OVERDUE = ESPORTS_SPORT_KEY; // events without a sport, flagged esports: the bet stop must find them too
  let stack: Stack;
  let timer: NodeJS.Timeout | undefined;
  let vouch: Record<string, number> = {};

  /** Beats as an active poller would, every 300 ms, vouching per `vouch` (sport → freshUntil). */
  function beat(): Promise<void> {
    return beatAsPoller(stack.client, vouch);
  }

  beforeAll(async () => {
    stack = await startStack("liveness_poller", { ODDS_SOURCE: "the-odds-api" });
    const boardSports = (await stack.db.sport.findMany({ select: { key: true } })).map((s) => s.key);
    const later = Date.now() + 3_600_000;
    vouch = Object.fromEntries(boardSports.map((sport) => [sport, sport === OVERDUE ? Date.now() - 1 : later]));
    await beat();
    timer = setInterval(() => void beat().catch(() => {}), 300);
  });
  beforeEach(() => logsOnFailure(onTestFailed, () => [stack?.publisher, stack?.relay], 60));
  afterAll(async () => {
    if (timer) clearInterval(timer);
    await stopStack(stack);
  });

  it("a sport whose freshUntil passed is stale on its pages with why, and its in-play markets stop; a fresh sport stays live and open", async () => {
    const overdue = await watch(stack.relay.url, OVERDUE);
    const fresh = await watch(stack.relay.url, FRESH);
    try {
      const reason = "The Odds API poller's prices for this sport are overdue";
      const status = await overdue.waitFor("feed:status", (s) => s.status === "live" && s.sports?.[OVERDUE] !== undefined, 30_000);
      expect(status.sports).toEqual({ [OVERDUE]: reason });
      expect((await readTrust(stack.client))?.staleSports).toEqual({ [OVERDUE]: reason });
      const stopped = await marketOf(stack.db, OVERDUE, "LIVE").catch(() => null);
      await until(
        async () => (await stack.db.market.count({ where: { status: "OPEN", event: { sport: null, isEsports: true, phase: "LIVE" } } })) === 0,
        10_000,
        "esports in-play markets suspended",
      );
      if (stopped) expect((await marketRow(stack.db, stopped.id)).feedSuspendedAt).not.toBeNull();
      // The fresh sport: its page is live with no stale sports of its own, and its in-play markets stayed open.
      await fresh.waitFor("feed:status", (s) => s.status === "live" && s.sports?.[FRESH] === undefined, 10_000);
      expect(await stack.db.market.count({ where: { status: "OPEN", event: { sport: FRESH, phase: "LIVE" } } })).toBeGreaterThan(0);

      vouch[OVERDUE] = Date.now() + 3_600_000;
      await overdue.waitFor("feed:status", (s) => s.status === "live" && s.sports === undefined, 10_000);
      await until(async () => Object.keys((await readTrust(stack.client))?.staleSports ?? { x: 1 }).length === 0, 10_000, "no stale sport in the trust record");
    } finally {
      overdue.close();
      fresh.close();
    }
  });

  it("a market whose bookmaker prices are all deleted is suspended on the board at the next tick, and opens again when a complete book returns", async () => {
    const market = await stack.db.market.findFirstOrThrow({
      where: { status: "OPEN", key: "totals", event: { sport: FRESH, phase: "PREMATCH", status: "ACTIVE" } },
      select: { id: true, key: true, eventId: true },
    });
    await until(async () => (await boardStatus(stack.client, FRESH, market.eventId, market.key)) === "open", 20_000, "the market open on the board");
    const outcomes = await stack.db.outcome.findMany({ where: { marketId: market.id }, select: { id: true } });
    await stack.db.bookPrice.deleteMany({ where: { outcomeId: { in: outcomes.map((o) => o.id) } } });

    await until(async () => (await boardStatus(stack.client, FRESH, market.eventId, market.key)) === "suspended", 10_000, "the market suspended on the board");
    const board = (await readSportState(stack.client, FRESH)).events.get(market.eventId)?.markets[market.key];
    expect(Object.values(board?.outcomes ?? {}).map((o) => o.fair)).toEqual([null, null]);
    // Nothing was written: the board's suspension is the pricing's, and the row is still open.
    expect((await marketRow(stack.db, market.id)).status).toBe("OPEN");

    await stack.db.bookPrice.createMany({
      data: outcomes.map((o, i) => ({ outcomeId: o.id, bookmaker: "returning", price: i === 0 ? 1.9 : 1.95, lastUpdate: new Date() })),
    });
    await until(async () => (await boardStatus(stack.client, FRESH, market.eventId, market.key)) === "open", 10_000, "the market open again on the board");
    const reopened = (await readSportState(stack.client, FRESH)).events.get(market.eventId)?.markets[market.key];
    for (const outcome of Object.values(reopened?.outcomes ?? {})) expect(outcome.fair).not.toBeNull();
  });

  it("stops vouching when the poller goes quiet: the whole feed turns stale with the poller's reason", async () => {
    const socket = await watch(stack.relay.url, FRESH);
    try {
      await socket.waitFor("feed:status", (s) => s.status === "live", 10_000);
      if (timer) clearInterval(timer);
      timer = undefined;
      const stale = await socket.waitFor("feed:status", (s) => s.status === "stale", 30_000);
      expect(stale.reason).toBe(`the odds producer is down: no heartbeat from The Odds API poller for over ${SILENCE_MS / 1000} s`);
      expect((await stack.client.get(KEYS.oddsTrust)) ?? "").toContain('"state":"down"');
    } finally {
      socket.close();
    }
  });
});

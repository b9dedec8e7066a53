import net from "node:net";
import { Redis } from "ioredis";
import { Registry } from "prom-client";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, onTestFailed } from "vitest";
import { addPublisherMetrics } from "../../app/_lib/publisher-metrics";
import { type Db, createDb } from "../../lib/db";
import { CHANNELS, KEYS, type OddsDeltaMessage, SportsOddsMessage, parseJson } from "../../lib/protocol";
import { readStatus, setDesired } from "../../lib/publisher/control";
import { seedDemoData } from "../../prisma/seed";
import { freePort } from "../../scripts/services/ports";
import { until } from "../support/full-stack";
import { sample } from "../support/metrics";
import { type Proc, logsOnFailure } from "../support/processes";
import { createTestDatabase, type RedisService, startRedisServer } from "../support/services";
import { startPublisher } from "../support/stack";

/**
 * A publisher process with PUBLISHER_METRICS_PORT set, on real Postgres and Redis: its own
 * /metrics measures ticks, the change queue and commit → publish lag, and the leader's report
 * carries the same numbers to the web app's /api/metrics.
 */
describe("publisher metrics", () => {
  let db: Db;
  let dbUrl: string;
  let redis: RedisService;
  let client: Redis;
  let listener: Redis;
  let port: number;
  const procs: Proc[] = [];
  const deltas: OddsDeltaMessage[] = [];
  const metrics = async (at = port) => (await fetch(`http://127.0.0.1:${at}/metrics`)).text();

  beforeAll(async () => {
    dbUrl = await createTestDatabase(inject("pgServerUrl"), "pubmetrics");
    db = createDb(dbUrl);
    await seedDemoData(db);
    redis = await startRedisServer();
    client = new Redis(redis.url);
    listener = new Redis(redis.url);
    listener.on("message", (_channel: string, raw: string) => {
      const parsed = parseJson(SportsOddsMessage, raw);
      if (parsed.ok && parsed.message.type === "odds:delta") deltas.push(parsed.message);
    });
    await listener.subscribe(CHANNELS.sportsOdds);
    port = await freePortPair(); // the standby below takes the next port
    procs.push(await startPublisher(dbUrl, redis.url, { PUBLISHER_INSTANCE_ID: "leader", PUBLISHER_METRICS_PORT: String(port) }));
    await until(async () => sample(await metrics(), "publisher_leader") === 1, 20_000, "the first process leads");
  });

  afterAll(async () => {
    for (const proc of procs) await proc.stop();
    listener?.disconnect();
    client?.disconnect();
    await redis?.stop();
    await db?.$disconnect();
  });

  beforeEach(() => logsOnFailure(onTestFailed, () => procs));

  it("measures the tick and the commit → publish lag of a price written in the database", async () => {
    const before = await metrics();
    const lagsBefore = sample(before, "publisher_origin_lag_seconds_count") ?? 0;
    const price = await db.bookPrice.findFirstOrThrow({
      where: { outcome: { key: "home", market: { key: "h2h", event: { sport: "basketball_nba", status: "ACTIVE" } } } },
      select: { id: true, price: true, outcome: { select: { market: { select: { eventId: true } } } } },
    });
    const eventId = price.outcome.market.eventId;
    await db.bookPrice.update({ where: { id: price.id }, data: { price: price.price * 1.3 } });
    await until(async () => deltas.some((d) => d.origin !== undefined && d.changes.some((c) => c.eventId === eventId)), 20_000, "the price's delta");
    const delta = deltas.find((d) => d.origin !== undefined && d.changes.some((c) => c.eventId === eventId));

    // The runner records a step after it returns, a moment after the delta went out.
    await until(async () => (sample(await metrics(), "publisher_origin_lag_seconds_count") ?? 0) > lagsBefore, 10_000, "a lag observation");
    const after = await metrics();
    expect(sample(after, "publisher_tick_seconds_count", 'kind="tick"')).toBeGreaterThan(0);
    expect(sample(after, "publisher_tick_seconds_count", 'kind="reconcile"')).toBeGreaterThan(0);
    // Published after its commit: at least as late as the delta's own timestamp says.
    const lagSum = (sample(after, "publisher_origin_lag_seconds_sum") ?? 0) - (sample(before, "publisher_origin_lag_seconds_sum") ?? 0);
    expect(lagSum).toBeGreaterThanOrEqual(((delta?.ts ?? 0) - (delta?.origin ?? 0)) / 1000);

    // The same numbers through the leader's report, as the web app's /api/metrics renders them.
    await until(async () => (await readStatus(client, null, { intervalMs: 100, autostart: true })).publishLagMs.samples > 0, 10_000, "lags in the report");
    const registry = new Registry();
    addPublisherMetrics(registry, await readStatus(client, null, { intervalMs: 100, autostart: true }));
    const web = await registry.metrics();
    expect(sample(web, "publisher_publish_lag_seconds", 'quantile="p99"')).toBeGreaterThan(0);
    expect(sample(web, "publisher_tick_duration_seconds", 'quantile="p50"')).toBeGreaterThan(0);
    expect(sample(web, "publisher_queue_depth")).not.toBeNull();
  });

  it("shows a backlog in the queue depth while stopped, and drains it on start", async () => {
    await setDesired(db, client, { state: "stopped", intervalMs: 100, updatedBy: "test" });
    // The leader's own report, in one write: it follows the stop and its tick loop has ended.
    const stopped = async () => {
      const [desired, running] = await client.hmget(KEYS.publisherStatus, "desired", "running");
      return desired === "stopped" && running === "false";
    };
    await until(stopped, 10_000, "the leader stops ticking");
    const rows = await db.bookPrice.findMany({
      where: { outcome: { market: { event: { sport: "icehockey_nhl", status: "ACTIVE" } } } },
      select: { id: true },
      take: 40,
    });
    expect(rows.length).toBe(40);
    // 40 price rows moved, one captured change each.
    await db.$executeRaw`UPDATE "BookPrice" SET price = price + 0.01 WHERE id = ANY(${rows.map((r) => r.id)}::uuid[])`;
    await until(async () => (sample(await metrics(), "publisher_queue_depth") ?? 0) >= 40, 10_000, "the backlog in /metrics");
    // The report is rewritten every control step, the one after the count.
    await until(
      async () => ((await readStatus(client, null, { intervalMs: 100, autostart: true })).queueDepth ?? 0) >= 40,
      10_000,
      "the backlog in the report",
    );

    const ticksBefore = sample(await metrics(), "publisher_tick_seconds_count", 'kind="tick"') ?? 0;
    await setDesired(db, client, { state: "running", intervalMs: 100, updatedBy: "test" });
    await until(async () => sample(await metrics(), "publisher_queue_depth") === 0, 20_000, "the backlog drained");
    expect(sample(await metrics(), "publisher_tick_seconds_count", 'kind="tick"')).toBeGreaterThan(ticksBefore);
  });

  it("a standby serves its own metrics on the next port, and says it does not lead", async () => {
    const standby = await startPublisher(dbUrl, redis.url, { PUBLISHER_INSTANCE_ID: "standby", PUBLISHER_METRICS_PORT: String(port), NODE_APP_INSTANCE: "1" });
    procs.push(standby);
    const text = await metrics(port + 1);
    expect(sample(text, "publisher_leader")).toBe(0);
    expect(sample(text, "publisher_tick_seconds_count", 'kind="tick"') ?? 0).toBe(0);
    expect(sample(await metrics(), "publisher_leader")).toBe(1);
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
  });
});

/** A free port whose next port is free too (bound and released, as freePort does). */
async function freePortPair(): Promise<number> {
  for (;;) {
    const port = await freePort();
    const next = await new Promise<boolean>((resolve) => {
      const server = net.createServer().once("error", () => resolve(false));
      server.listen(port + 1, "127.0.0.1", () => server.close(() => resolve(true)));
    });
    if (next) return port;
  }
}

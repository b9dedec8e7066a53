import { Redis } from "ioredis";
import type { z } from "zod";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, onTestFailed } from "vitest";
import { tellAdmins } from "../../lib/admin-events";
import { type Db, createDb } from "../../lib/db";
import { AdminEventMessage, CHANNELS, KEYS, parseJson } from "../../lib/protocol";
import { seedDemoData } from "../../prisma/seed";
import { startPostgres, stopPostgres } from "../../scripts/services/postgres";
import { until } from "../support/full-stack";
import { type Proc, logsOnFailure } from "../support/processes";
import { createTestDatabase, type RedisService, startPostgresServer, startRedisServer } from "../support/services";
import { startPublisher } from "../support/stack";

/** Every admin event on the bus, in order, read straight off Redis (reconnecting through Redis restarts). */
class AdminBus {
  readonly events: AdminEventMessage[] = [];
  private readonly listener: Redis;

  constructor(url: string) {
    this.listener = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: () => 100 });
    this.listener.on("error", () => {}); // Redis stops on purpose here
    this.listener.on("message", (_channel: string, raw: string) => {
      const message = parseJson<AdminEventMessage>(AdminEventMessage as z.ZodType<AdminEventMessage>, raw);
      if (message.ok) this.events.push(message.message);
    });
  }

  async start(): Promise<void> {
    await this.listener.subscribe(CHANNELS.adminEvents);
  }

  of<K extends AdminEventMessage["kind"]>(kind: K): Extract<AdminEventMessage, { kind: K }>[] {
    return this.events.filter((e): e is Extract<AdminEventMessage, { kind: K }> => e.kind === kind);
  }

  close(): void {
    this.listener.disconnect();
  }
}

/** The publisher's own admin events: who took the lease, and Postgres/Redis outages under a running leader. */
describe("admin events from the publisher", () => {
  const procs: Proc[] = [];
  beforeEach(() => logsOnFailure(onTestFailed, () => procs));

  describe("leader_changed", () => {
    let db: Db;
    let dbUrl: string;
    let redis: RedisService;
    let bus: AdminBus;

    beforeAll(async () => {
      dbUrl = await createTestDatabase(inject("pgServerUrl"), "adminleader");
      db = createDb(dbUrl);
      await seedDemoData(db);
      redis = await startRedisServer();
      bus = new AdminBus(redis.url);
      await bus.start();
    });
    afterAll(async () => {
      for (const proc of procs.splice(0)) await proc.stop();
      bus?.close();
      await redis?.stop();
      await db?.$disconnect();
    });

    it("names the first leader, then the standby that takes over from it when it is killed", async () => {
      procs.push(await startPublisher(dbUrl, redis.url, { PUBLISHER_INSTANCE_ID: "alpha" }));
      await until(async () => bus.of("leader_changed").length === 1, 15_000, "the first leader_changed");
      expect(bus.of("leader_changed")[0]?.data).toEqual({ instanceId: "alpha", previous: null });
      procs.push(await startPublisher(dbUrl, redis.url, { PUBLISHER_INSTANCE_ID: "beta" }));
      // Wait until alpha has reported (the status names it), so beta can name its predecessor.
      const client = new Redis(redis.url);
      await until(async () => (await client.hget(KEYS.publisherStatus, "instanceId")) === "alpha", 15_000, "alpha's report");
      client.disconnect();
      await procs[0]?.kill(); // SIGKILL: the lease lapses, it is not handed over
      await until(async () => bus.of("leader_changed").length === 2, 15_000, "the failover's leader_changed");
      expect(bus.of("leader_changed")[1]?.data).toEqual({ instanceId: "beta", previous: "alpha" });
      // A standby that never led says nothing, and nobody speaks of an outage.
      expect(bus.of("outage")).toEqual([]);
    });
  });

  describe("outage", () => {
    let postgres: Awaited<ReturnType<typeof startPostgresServer>>;
    let db: Db;
    let dbUrl: string;
    let redis: RedisService;
    let bus: AdminBus;
    let publisher: Proc;

    beforeAll(async () => {
      // Our own Postgres server, which this test stops and starts again (the shared one stays up).
      postgres = await startPostgresServer();
      dbUrl = await createTestDatabase(postgres.url, "adminoutage");
      db = createDb(dbUrl);
      await seedDemoData(db);
      redis = await startRedisServer();
      bus = new AdminBus(redis.url);
      await bus.start();
      publisher = await startPublisher(dbUrl, redis.url, { PUBLISHER_INSTANCE_ID: "solo" });
      procs.push(publisher);
      await until(async () => bus.of("leader_changed").length === 1, 15_000, "the leader");
    });
    afterAll(async () => {
      for (const proc of procs.splice(0)) await proc.stop();
      bus?.close();
      await redis?.stop();
      await db?.$disconnect();
      await postgres?.stop();
    });

    it("Postgres stopped under a running publisher: 'down' while it is down, 'up' with how long once ticks succeed again", { timeout: 120_000 }, async () => {
      const stoppedAt = Date.now(); // nothing can fail on a Postgres that is not yet stopping
      await stopPostgres(postgres.dataDir, "fast");
      await until(async () => bus.of("outage").length === 1, 30_000, "the outage's down");
      expect(bus.of("outage")[0]).toMatchObject({ data: { service: "postgres", state: "down", reason: "Postgres is unreachable" } });
      const down = bus.of("outage")[0];
      const restarting = Date.now(); // Postgres cannot answer before this
      await startPostgres({ dataDir: postgres.dataDir, port: postgres.port, durable: false });
      await until(async () => bus.of("outage").length === 2, 60_000, "the outage's up");
      const up = bus.of("outage")[1];
      expect(up).toMatchObject({ data: { service: "postgres", state: "up" } });
      // It lasted at least from its announcement to the restart, and at most from the stop to now.
      expect(up?.data.downForMs).toBeGreaterThanOrEqual(restarting - (down?.ts ?? 0));
      expect(up?.data.downForMs).toBeLessThanOrEqual(Date.now() - stoppedAt);
    });

    it("Redis stopped under a running publisher: nothing can be said while it is down; once back, 'down' (dated by downForMs) then 'up', even to a relay that subscribes again late", {
      timeout: 120_000,
    }, async () => {
      // The relays subscribe again on their own schedule after Redis is back, often after the
      // publisher has reconnected. This listener comes back only once the publisher has told
      // (published to nobody), so it hears the notices only if they are offered again.
      bus.close();
      const haltedAt = Date.now();
      await redis.halt();
      await new Promise((resolve) => setTimeout(resolve, 3_000)); // the leader fails a few control steps
      expect(publisher.output()).not.toContain("admin event: redis");
      const restartedAt = Date.now(); // Redis cannot answer before this
      await redis.restart();
      await until(async () => publisher.output().includes("admin event: redis up"), 30_000, "the publisher telling of the Redis outage");
      const late = new AdminBus(redis.url);
      try {
        await late.start();
        await until(async () => late.of("outage").length === 2, 30_000, "the Redis outage's down and up, heard late");
        const [down, up] = late.of("outage");
        expect(down).toMatchObject({ data: { service: "redis", state: "down", reason: "Redis is unreachable" } });
        expect(up).toMatchObject({ data: { service: "redis", state: "up" } });
        // The late "down" says when it began: ts - downForMs is after the halt and before the
        // restart, so it spans the outage, though it was told only once Redis was back.
        const began = (down?.ts ?? 0) - (down?.data.downForMs ?? 0);
        expect(began).toBeGreaterThanOrEqual(haltedAt - 50);
        expect(began).toBeLessThan(restartedAt);
        expect(down?.ts).toBeGreaterThanOrEqual(restartedAt);
        expect(up?.ts).toBeGreaterThanOrEqual(down?.ts ?? Number.POSITIVE_INFINITY);
        // Told once: a marker published after them arrives, and nothing was told twice.
        const writer = new Redis(redis.url);
        await tellAdmins(writer, "market_status", { id: "marker", status: "open", by: "test" }).finally(() => writer.disconnect());
        await until(async () => late.of("market_status").length === 1, 10_000, "the marker");
        expect(late.of("outage")).toHaveLength(2);
      } finally {
        late.close();
      }
    });
  });
});

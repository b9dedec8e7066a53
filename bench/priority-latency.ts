/**
 * Commit → client latency of priority events (an event suspended or reactivated) against tick-driven
 * price changes, in the same run, on the real stack: Postgres, Redis, relay, publisher at its
 * default 500 ms interval, one socket.io client subscribed to every sport.
 *
 *   npx tsx bench/priority-latency.ts [--priority 1000] [--prices 200] [--events-per-sport 200]
 *
 * Priority path: the status change NOTIFYs at commit and wakes the publisher at once. Tick path (the
 * baseline): a bookmaker price change, published by the next regular tick.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import pg from "pg";
import { createDb } from "../lib/db";
import { KEYS, unpackDelta } from "../lib/protocol";
import { DEMO_SPORTS, seedDemoData } from "../prisma/seed";
import { connectClient } from "../tests/support/client";
import { until } from "../tests/support/full-stack";
import { createTestDatabase, startPostgresServer, startRedisServer } from "../tests/support/services";
import { startPublisher, startRelay } from "../tests/support/stack";
import { arg, percentile, runBench, table } from "./stats";

const PRIORITY = arg("priority", 1_000);
const PRICES = arg("prices", 200);
const PER_SPORT = arg("events-per-sport", 200);
const SPORTS = DEMO_SPORTS.map((sport) => sport.key);

async function main(): Promise<void> {
  const postgres = await startPostgresServer();
  const dbUrl = await createTestDatabase(postgres.url, "bench_priority");
  const db = createDb(dbUrl);
  const seeded = await seedDemoData(db, { eventsPerSport: PER_SPORT });
  const redis = await startRedisServer();
  const relay = await startRelay(redis.url);
  const publisher = await startPublisher(dbUrl, redis.url, { PUBLISHER_INTERVAL_MS: "500" });
  const pool = new pg.Pool({ connectionString: dbUrl, max: 2 });
  const client = await connectClient(relay.url);
  try {
    const arrivals = new Map<string, number>();
    client.socket.on("odds:delta", (delta) => {
      const now = Date.now();
      for (const change of unpackDelta(delta).changes) {
        if (change.path === "status" || change.path.endsWith(".price")) arrivals.set(`${change.eventId}|${change.path}|${change.value}`, now);
        if (change.path === "" && change.value === null) arrivals.set(`${change.eventId}|removed`, now);
      }
    });
    const registered = new Redis(redis.url);
    await until(async () => (await registered.scard(KEYS.sports)) === SPORTS.length, 30_000, "every sport registered");
    registered.disconnect();
    const ack = await client.emit("subscribe", { sports: SPORTS });
    if (!ack.ok) throw new Error(`subscribe failed: ${ack.error.message}`);
    const ids = (await pool.query<{ id: string }>(`SELECT id FROM "Event" WHERE status = 'ACTIVE' ORDER BY id`)).rows.map((r) => r.id);
    const status = new Map(ids.map((id) => [id, "ACTIVE"]));
    await sleep(1_500); // past the leader's first reconcile

    const waitFor = async (key: string, committedAt: number): Promise<number> => {
      const deadline = committedAt + 10_000;
      while (!arrivals.has(key)) {
        if (Date.now() > deadline) throw new Error(`never arrived: ${key}`);
        await sleep(1);
      }
      return (arrivals.get(key) ?? 0) - committedAt;
    };

    const priority: number[] = [];
    for (let i = 0; i < PRIORITY; i += 1) {
      const id = ids[i % ids.length] ?? "";
      const next = status.get(id) === "ACTIVE" ? "SUSPENDED" : "ACTIVE";
      status.set(id, next);
      await sleep(Math.random() * 40);
      await pool.query(`UPDATE "Event" SET status = $2::"EventStatus" WHERE id = $1`, [id, next]);
      priority.push(await waitFor(`${id}|status|${next.toLowerCase()}`, Date.now()));
    }

    const tick: number[] = [];
    for (let i = 0; i < PRICES; i += 1) {
      const id = ids[(i * 7) % ids.length] ?? "";
      await sleep(Math.random() * 500);
      await pool.query(
        `UPDATE "BookPrice" bp SET price = round((bp.price * $2)::numeric, 3)::float8 FROM "Outcome" o JOIN "Market" m ON m.id = o."marketId" WHERE bp."outcomeId" = o.id AND m."eventId" = $1 AND m.key = 'h2h' AND o.key = 'home'`,
        [id, i % 2 === 0 ? 1.25 : 0.8],
      );
      const committedAt = Date.now();
      const before = arrivals.size;
      // Any change of this event's h2h home price in a delta after the commit.
      const deadline = committedAt + 10_000;
      let seen: number | undefined;
      while (seen === undefined && Date.now() < deadline) {
        for (const [key, at] of arrivals) if (at >= committedAt && key.startsWith(`${id}|markets.h2h.outcomes.home.price|`)) seen = at;
        if (seen === undefined) await sleep(2);
      }
      if (seen === undefined) throw new Error(`price change of ${id} never arrived (${arrivals.size - before} other arrivals)`);
      tick.push(seen - committedAt);
    }

    const row = (name: string, values: number[]) => [
      name,
      values.length,
      percentile(values, 50),
      percentile(values, 90),
      percentile(values, 99),
      Math.max(...values),
    ];
    console.log(`\nCommit → socket.io client on the relay, board of ${seeded.events} events, publisher interval 500 ms (ms)\n`);
    console.log(
      table(
        ["path", "samples", "p50", "p90", "p99", "max"],
        [row("priority: status change (NOTIFY wakes the tick)", priority), row("baseline: price change (next regular tick)", tick)],
      ),
    );
    console.log("\nTarget: priority p99 < 100 ms. Both measured on one machine, one clock.");
  } catch (error) {
    console.error(`PUBLISHER:\n${publisher.output().split("\n").slice(-12).join("\n")}`);
    console.error(`RELAY:\n${relay.output().split("\n").slice(-8).join("\n")}`);
    console.error(
      "CLIENT got:",
      client.received
        .slice(-8)
        .map((r) => `${r.event}:${JSON.stringify(r.payload).slice(0, 200)}`)
        .join("\n"),
    );
    throw error;
  } finally {
    client.close();
    await pool.end();
    await publisher.stop();
    await relay.stop();
    await redis.stop();
    await db.$disconnect();
    await postgres.stop();
  }
}

runBench(main);

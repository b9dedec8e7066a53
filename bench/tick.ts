/**
 * Publisher tick cost against the number of changed events, with a full-table tick as the baseline,
 * in the same run: real Postgres (10,000 events on the board), real Redis, the real Publisher.
 *
 *   npx tsx bench/tick.ts [--events-per-sport 2000] [--runs 15]
 *
 * Before each timed tick, N events get one bookmaker price moved (not timed). The tick then drains
 * the change queue, loads and prices those events, diffs and commits to Redis. The baseline is the
 * full reconcile (every event read and priced), which is what a publisher that reread the whole
 * table each tick would pay.
 */
import { Redis } from "ioredis";
import pg from "pg";
import { createDb } from "../lib/db";
import { createLogger } from "../lib/log";
import { DEFAULT_MARGIN_METHOD } from "../lib/odds";
import { KEYS } from "../lib/protocol";
import { Publisher } from "../lib/publisher/publisher";
import { StateStore } from "../lib/publisher/state-store";
import { seedDemoData } from "../prisma/seed";
import { createTestDatabase, startPostgresServer, startRedisServer } from "../tests/support/services";
import { arg, percentile, runBench, table } from "./stats";

const PER_SPORT = arg("events-per-sport", 2_000);
const RUNS = arg("runs", 15);

async function main(): Promise<void> {
  const postgres = await startPostgresServer();
  const redisServer = await startRedisServer();
  const dbUrl = await createTestDatabase(postgres.url, "bench_tick");
  const db = createDb(dbUrl, { poolSize: 4 });
  const redis = new Redis(redisServer.url);
  const pool = new pg.Pool({ connectionString: dbUrl, max: 2 });
  try {
    process.stderr.write(`seeding ${PER_SPORT * 5} events…\n`);
    const seeded = await seedDemoData(db, { eventsPerSport: PER_SPORT });
    await pool.query("VACUUM ANALYZE");
    await redis.set(KEYS.publisherLeader, "bench#1");
    const publisher = new Publisher({
      db,
      redis,
      store: new StateStore(redis, { length: 5_000, maxAgeMs: 600_000, maxDeltaBytes: 64 * 1024 * 1024 }),
      pricing: { margin: 0.05, liquidity: 5_000, method: DEFAULT_MARGIN_METHOD },
      token: () => "bench#1",
      log: createLogger("bench"),
    });
    await publisher.step(); // first reconcile: fills Redis
    // The seed left one change row per seeded row; autovacuum clears those dead rows soon after the
    // first drain in a real run. Do it now so the ticks measure the steady state, not the seed.
    await pool.query(`VACUUM "OddsChange"`);
    const events = (await pool.query<{ id: string }>(`SELECT id FROM "Event" WHERE status = 'ACTIVE'`)).rows.map((r) => r.id);

    const timeTick = async (changed: number): Promise<number[]> => {
      const samples: number[] = [];
      for (let run = 0; run < RUNS + 2; run += 1) {
        if (changed > 0) {
          const ids = Array.from({ length: changed }, () => events[Math.floor(Math.random() * events.length)] ?? "");
          await pool.query(
            `UPDATE "BookPrice" bp SET price = round((bp.price * (0.9 + random() * 0.2))::numeric, 2)::float8
             FROM "Outcome" o JOIN "Market" m ON m.id = o."marketId"
             WHERE bp."outcomeId" = o.id AND m."eventId" = ANY($1::uuid[]) AND m.key = 'h2h' AND bp.bookmaker = 'bet365'`,
            [ids],
          );
        }
        const started = performance.now();
        await publisher.tick();
        if (run >= 2) samples.push(performance.now() - started); // two warm-up runs
      }
      return samples;
    };
    const timeFull = async (): Promise<number[]> => {
      const samples: number[] = [];
      for (let run = 0; run < Math.max(3, Math.floor(RUNS / 3)) + 1; run += 1) {
        const started = performance.now();
        await publisher.reconcile();
        if (run >= 1) samples.push(performance.now() - started);
      }
      return samples;
    };

    const rows: (string | number)[][] = [];
    const row = (name: string, changed: number | string, samples: number[]) =>
      rows.push([name, changed, samples.length, percentile(samples, 50), percentile(samples, 95), Math.max(...samples)]);
    const share = (pct: number) => Math.round((events.length * pct) / 100);
    row("tick, nothing changed", 0, await timeTick(0));
    for (const pct of [0.5, 1, 2, 4]) row(`tick, ${pct}% of events changed`, share(pct), await timeTick(share(pct)));
    row("baseline: full-table tick (reconcile)", events.length, await timeFull());
    console.log(`\nPublisher tick on a board of ${seeded.events} events (ms): drain, load, price, diff, commit to Redis\n`);
    console.log(table(["tick", "events changed", "runs", "p50", "p95", "max"], rows));
    console.log("\nTarget: < 20 ms for 10,000 active events with 2% changed; cost grows with changes, not events.");
  } finally {
    await pool.end();
    redis.disconnect();
    await db.$disconnect();
    await redisServer.stop();
    await postgres.stop();
  }
}

runBench(main);

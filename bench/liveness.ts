/**
 * How fast a quiet odds producer is noticed, and how fast trust comes back, on the real stack:
 * Postgres, Redis, relay, publisher, and the simulator as the `feed` process, one socket.io client
 * watching a sport.
 *
 *   npx tsx bench/liveness.ts [--rounds 5] [--silence 5000]
 *
 * Each round kills the feed process (SIGKILL) and times: the socket's `feed:status` turning
 * stale, and the bet stop (every open in-play market suspended in Postgres); then starts it again
 * and times: the socket's feed back to live, and every bet-stopped market reopened (which a
 * producer does only once it re-quoted that market). The baseline is the silence limit itself
 * (PRODUCER_SILENCE_MS): nothing can be called quiet sooner.
 */
import pg from "pg";
import { createDb } from "../lib/db";
import { seedDemoData } from "../prisma/seed";
import { connectClient } from "../tests/support/client";
import { until } from "../tests/support/full-stack";
import { createTestDatabase, startPostgresServer, startRedisServer } from "../tests/support/services";
import { startFeed, startPublisher, startRelay } from "../tests/support/stack";
import { arg, percentile, runBench, table } from "./stats";

const ROUNDS = arg("rounds", 5);
const SILENCE_MS = arg("silence", 5_000);
const SPORT = "basketball_nba";
const FEED_ENV = { SIMULATOR_ENABLED: "true", FEED_LEADER_TTL_MS: "1500" };

async function main(): Promise<void> {
  const postgres = await startPostgresServer();
  const dbUrl = await createTestDatabase(postgres.url, "bench_liveness");
  const db = createDb(dbUrl);
  await seedDemoData(db);
  const redis = await startRedisServer();
  const relay = await startRelay(redis.url);
  const publisher = await startPublisher(dbUrl, redis.url, {
    PUBLISHER_INTERVAL_MS: "500",
    SIMULATOR_ENABLED: "true",
    PRODUCER_SILENCE_MS: String(SILENCE_MS),
  });
  let feed = await startFeed(dbUrl, redis.url, FEED_ENV);
  const pool = new pg.Pool({ connectionString: dbUrl, max: 2 });
  const client = await connectClient(relay.url);
  const statuses: { status: string; at: number }[] = [];
  client.socket.on("feed:status", (feedStatus) => statuses.push({ status: feedStatus.status, at: Date.now() }));
  const ack = await client.emit("subscribe", { sports: [SPORT] });
  if (!ack.ok) throw new Error(`subscribe failed: ${ack.error.message}`);
  const inPlayOpen = async () =>
    Number(
      (
        await pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM "Market" m JOIN "Event" e ON e.id = m."eventId" WHERE e.phase = 'LIVE' AND e.status = 'ACTIVE' AND m.status = 'OPEN'`,
        )
      ).rows[0]?.n,
    );
  const statusAfter = (status: string, since: number) => statuses.find((s) => s.status === status && s.at >= since)?.at;
  const rows = { stale: [] as number[], stop: [] as number[], live: [] as number[], reopen: [] as number[], ready: [] as number[] };
  try {
    const inPlay = await inPlayOpen();
    for (let round = 0; round < ROUNDS; round += 1) {
      await until(async () => statuses.at(-1)?.status === "live" && (await inPlayOpen()) === inPlay, 60_000, "live, every in-play market open");
      const killedAt = Date.now();
      await feed.kill();
      await until(async () => statusAfter("stale", killedAt) !== undefined, 30_000, "stale on the socket");
      rows.stale.push((statusAfter("stale", killedAt) ?? 0) - killedAt);
      await until(async () => (await inPlayOpen()) === 0, 30_000, "the bet stop");
      rows.stop.push(Date.now() - killedAt);

      const startedAt = Date.now();
      feed = await startFeed(dbUrl, redis.url, FEED_ENV);
      const readyAt = Date.now();
      rows.ready.push(readyAt - startedAt);
      await until(async () => statusAfter("live", readyAt) !== undefined, 30_000, "live on the socket");
      rows.live.push((statusAfter("live", readyAt) ?? 0) - readyAt);
      await until(async () => (await inPlayOpen()) === inPlay, 30_000, "every bet-stopped market reopened");
      rows.reopen.push(Date.now() - readyAt);
    }
    const row = (name: string, values: number[]) => [name, values.length, percentile(values, 50), percentile(values, 90), Math.max(...values)];
    console.log(`\nA quiet producer and its return: ${ROUNDS} rounds, ${inPlay} in-play markets, silence limit ${SILENCE_MS} ms (ms)\n`);
    console.log(
      table(
        ["step", "rounds", "p50", "p90", "max"],
        [
          row("baseline: the silence limit (nothing is quiet sooner)", Array(ROUNDS).fill(SILENCE_MS)),
          row("kill -9 → socket's feed stale", rows.stale),
          row("kill -9 → every in-play market bet-stopped", rows.stop),
          row("feed process start → ready (tsx start, lease, fence)", rows.ready),
          row("ready → socket's feed live", rows.live),
          row("ready → every bet-stopped market reopened", rows.reopen),
        ],
      ),
    );
    console.log("\nDetection sits on the silence limit plus at most a control step (1 s) and a relay heartbeat; the bet stop follows in the same step.");
  } finally {
    client.close();
    await pool.end();
    await feed.stop();
    await publisher.stop();
    await relay.stop();
    await redis.stop();
    await db.$disconnect();
    await postgres.stop();
  }
}

runBench(main);

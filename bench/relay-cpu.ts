/**
 * The relay's CPU with the simulator at its default rates, publishing on commit against publishing
 * every interval (the baseline, PUBLISHER_ON_COMMIT=false), for the same clients, in one run.
 *
 *   npx tsx bench/relay-cpu.ts [--clients 500] [--seconds 30] [--rate 6]
 *
 * Each mode gets a fresh stack (Postgres, Redis, relay, publisher, the simulator's feed process) and
 * `--clients` socket.io clients subscribed to every sport. After a 5 s warm-up it reads the relay's
 * CPU time from /proc over `--seconds`, and counts the odds deltas each client received: per second
 * on average, and the most any client got for one sport within any one second (the delta budget
 * holds it near 20).
 */
import { readFileSync } from "node:fs";
import { Redis } from "ioredis";
import { KEYS } from "../lib/protocol";
import { seedDemoData } from "../prisma/seed";
import { createDb } from "../lib/db";
import { createTestDatabase, startPostgresServer, startRedisServer } from "../tests/support/services";
import { startFeed, startPublisher, startRelay } from "../tests/support/stack";
import { until } from "../tests/support/full-stack";
import { type Client, connectMany, subscribe } from "./support/connect-many";
import { parseCpuTicks } from "./support/proc-stats";
import { arg, runBench, table } from "./stats";

const clients = arg("clients", 500);
const seconds = arg("seconds", 30);
/** The simulator's price updates per second (SIMULATOR_PRICE_UPDATES_PER_SEC; 6 by default). */
const rate = arg("rate", 6);
/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

interface ModeResult {
  cpuPercent: number;
  deltasPerClientPerSecond: number;
  maxPerSportSecond: number;
}

async function main(): Promise<void> {
  const postgres = await startPostgresServer();
  try {
    const rows: (string | number)[][] = [];
    let baseline: ModeResult | null = null;
    for (const [label, onCommit] of [
      ["interval only (baseline)", false],
      ["on commit", true],
    ] as const) {
      const result = await measure(postgres.url, onCommit);
      baseline ??= result;
      rows.push([
        label,
        result.cpuPercent,
        result.deltasPerClientPerSecond,
        result.maxPerSportSecond,
        Number((result.cpuPercent / baseline.cpuPercent).toFixed(2)),
      ]);
    }
    console.log(`\nRelay CPU, ${clients} clients on every sport, the simulator at ${rate} price updates/s, ${seconds} s per mode\n`);
    console.log(table(["mode", "relay CPU % of a core", "deltas / client / s", "most deltas for one sport in 1 s", "CPU × baseline"], rows));
  } finally {
    await postgres.stop();
  }
}

async function measure(pgServerUrl: string, onCommit: boolean): Promise<ModeResult> {
  const dbUrl = await createTestDatabase(pgServerUrl, `relaycpu${onCommit ? "on" : "off"}`);
  const db = createDb(dbUrl);
  await seedDemoData(db);
  await db.$disconnect();
  const redis = await startRedisServer();
  const reader = new Redis(redis.url);
  const relay = await startRelay(redis.url, { RELAY_ALLOWED_ORIGINS: "*", RELAY_MAX_CONNECTIONS_PER_IP: "100000" });
  const publisher = await startPublisher(dbUrl, redis.url, { PUBLISHER_ON_COMMIT: String(onCommit) });
  const feed = await startFeed(dbUrl, redis.url, { SIMULATOR_PRICE_UPDATES_PER_SEC: String(rate) });
  let sockets: Client[] = [];
  try {
    await until(async () => (await reader.scard(KEYS.sports)) === 5, 30_000, "five sports on the board");
    const sports = await reader.smembers(KEYS.sports);
    let counting = false;
    let delivered = 0;
    /** "<client>|<sport>|<second>" → deltas. */
    const perSecond = new Map<string, number>();
    sockets = await connectMany(relay.url, clients, async (client, i) => {
      client.on("odds:delta", (delta) => {
        if (!counting) return;
        delivered += 1;
        const key = `${i}|${delta.sport}|${Math.floor(Date.now() / 1_000)}`;
        perSecond.set(key, (perSecond.get(key) ?? 0) + 1);
      });
      await subscribe(client, { sports });
    });
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const pid = relay.child.pid ?? 0;
    const cpuAt = () => parseCpuTicks(readFileSync(`/proc/${pid}/stat`, "utf8"));
    const before = cpuAt();
    const started = performance.now();
    counting = true;
    await new Promise((resolve) => setTimeout(resolve, seconds * 1_000));
    counting = false;
    const elapsedS = (performance.now() - started) / 1_000;
    const cpuS = (cpuAt() - before) / TICKS_PER_SECOND;
    return {
      cpuPercent: Number(((cpuS / elapsedS) * 100).toFixed(1)),
      deltasPerClientPerSecond: Number((delivered / clients / elapsedS).toFixed(1)),
      maxPerSportSecond: Math.max(0, ...perSecond.values()),
    };
  } finally {
    for (const socket of sockets) socket.close();
    await Promise.all([feed.stop(), publisher.stop(), relay.stop()]);
    reader.disconnect();
    await redis.stop();
  }
}

runBench(main);

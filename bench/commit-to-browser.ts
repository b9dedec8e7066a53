/**
 * Commit → browser latency of a price change, on a throwaway stack (Postgres, Redis, relay,
 * publisher, next start, Debian's Chromium), all on this machine so one clock serves.
 *
 *   npx tsx bench/commit-to-browser.ts [--samples 200] [--interval 500] [--no-compare]
 *
 * Each sample multiplies every bookmaker's h2h home price of one event by 1.25 (or back), so the
 * price we offer certainly moves, at a random moment relative to the publisher's interval. It is
 * timed at three points, each the baseline for the next: the delta on Redis pub/sub (publisher),
 * a socket.io-client on the relay, and the new price in the DOM. The same run then measures the
 * baseline on a second stack: the publisher stepping only every interval (PUBLISHER_ON_COMMIT=off,
 * as it did before publishing on commit).
 */
import { Redis } from "ioredis";
import { DEFAULT_MARGIN_METHOD } from "../lib/odds";
import { CHANNELS, type OddsDeltaMessage, unpackDelta } from "../lib/protocol";
import { eventOddsSelect, toEventOdds } from "../lib/publisher/pricing";
import { buildWebIfStale } from "../scripts/next-build";
import { connectClient } from "../tests/support/client";
import type { Browser } from "playwright";
import { launchBrowser } from "../tests/support/browser";
import { startFullStackWith } from "./stack";
import { arg, percentile, runBench, table } from "./stats";

const samples = arg("samples", 200);
const intervalMs = arg("interval", 500);
const compare = !process.argv.includes("--no-compare");
const PATH = "markets.h2h.outcomes.home.price";

interface Sample {
  redis: number;
  client: number;
  browser: number;
}

async function main(): Promise<void> {
  await buildWebIfStale(".next-test");
  const modes: [string, boolean][] = compare
    ? [
        ["on commit", true],
        ["interval only (baseline)", false],
      ]
    : [["on commit", true]];
  const rows: (string | number)[][] = [];
  // Launched first: a browser that cannot start leaves no stack behind.
  const browser = await launchBrowser();
  try {
    for (const [label, onCommit] of modes) rows.push(...summarise(label, await measure(browser, onCommit)));
  } finally {
    await browser.close();
  }
  console.log(`\nCommit → browser latency, ${samples} price changes per mode, publisher interval ${intervalMs} ms (ms)\n`);
  console.log(table(["mode", "stage", "p50", "p90", "p99", "max"], rows));
  console.log(`\nInterval only waits for the next step: uniform on [0, ${intervalMs}) ms, p50 ≈ ${intervalMs / 2}, p99 ≈ ${Math.round(intervalMs * 0.99)}.`);
}

/** `samples` price changes on a fresh stack whose publisher steps on commit, or only every interval. */
async function measure(browser: Browser, onCommit: boolean): Promise<Sample[]> {
  const stack = await startFullStackWith({ PUBLISHER_INTERVAL_MS: String(intervalMs), PUBLISHER_ON_COMMIT: String(onCommit) });
  const redis = new Redis(stack.redis.url);
  try {
    const seenOnRedis = new Map<string, number>();
    redis.on("message", (_channel: string, raw: string) => {
      const message = JSON.parse(raw) as OddsDeltaMessage;
      if (message.type !== "odds:delta") return;
      for (const change of message.changes) if (change.path === PATH) seenOnRedis.set(`${change.eventId}@${change.value}`, Date.now());
    });
    await redis.subscribe(CHANNELS.sportsOdds);
    const client = await connectClient(stack.relay.url);
    const seenByClient = new Map<string, number>();
    client.socket.on("odds:delta", (delta) => {
      for (const change of unpackDelta(delta).changes) if (change.path === PATH) seenByClient.set(`${change.eventId}@${change.value}`, Date.now());
    });
    await client.emit("subscribe", { sports: ["basketball_nba"] });

    const page = await browser.newPage();
    await page.goto(`${stack.web.url}/sports?sport=basketball_nba`);
    await page.locator('.live-status[data-connection="live"]').waitFor();
    await page.evaluate(() => {
      const seen: Record<string, number> = {};
      (window as unknown as { __seen: Record<string, number> }).__seen = seen;
      new MutationObserver((records) => {
        const now = Date.now();
        for (const record of records) {
          const cell = record.target as Element;
          if (!cell.matches?.('[data-market="h2h"] [data-outcome="home"] .price')) continue;
          const row = cell.closest("[data-event-id]");
          seen[`${row?.getAttribute("data-event-id")}@${cell.getAttribute("data-price")}`] ??= now;
        }
      }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ["data-price"] });
    });

    const events = await stack.db.event.findMany({ where: { sport: "basketball_nba" }, select: { id: true } });
    const raised = new Set<string>();
    const results: Sample[] = [];
    for (let i = 0; i < samples; i += 1) {
      const eventId = events[i % events.length]?.id ?? "";
      const factor = raised.has(eventId) ? 1 / 1.25 : 1.25;
      if (raised.has(eventId)) raised.delete(eventId);
      else raised.add(eventId);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * intervalMs));
      await stack.db.$executeRaw`
        UPDATE "BookPrice" bp SET price = round((bp.price * ${factor})::numeric, 3)::float8
        FROM "Outcome" o JOIN "Market" m ON m.id = o."marketId"
        WHERE bp."outcomeId" = o.id AND m."eventId" = ${eventId}::uuid AND m.key = 'h2h' AND o.key = 'home'`;
      const committedAt = Date.now();
      const row = await stack.db.event.findUniqueOrThrow({ where: { id: eventId }, select: eventOddsSelect });
      const price = toEventOdds(row, { margin: 0.05, liquidity: 5_000, method: DEFAULT_MARGIN_METHOD }).markets.h2h?.outcomes.home?.price;
      const key = `${eventId}@${price}`;
      const deadline = Date.now() + 10_000;
      let browserAt: number | undefined;
      while (Date.now() < deadline) {
        browserAt = await page.evaluate((k) => (window as unknown as { __seen: Record<string, number> }).__seen[k], key);
        if (browserAt !== undefined && seenOnRedis.has(key) && seenByClient.has(key)) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      if (browserAt === undefined) throw new Error(`sample ${i}: ${key} never reached the page`);
      results.push({
        redis: (seenOnRedis.get(key) ?? NaN) - committedAt,
        client: (seenByClient.get(key) ?? NaN) - committedAt,
        browser: browserAt - committedAt,
      });
      await page.evaluate((k) => delete (window as unknown as { __seen: Record<string, number> }).__seen[k], key);
    }
    client.close();
    await page.close();
    return results;
  } finally {
    redis.disconnect();
    await stack.stop();
  }
}

/** Rows per stage (p50, p90, p99, max), and the hops after the Redis publish. */
function summarise(mode: string, results: Sample[]): (string | number)[][] {
  const row = (stage: string, values: number[]) => [mode, stage, percentile(values, 50), percentile(values, 90), percentile(values, 99), Math.max(...values)];
  return [
    row(
      "commit → delta on Redis (publisher)",
      results.map((r) => r.redis),
    ),
    row(
      "commit → socket.io-client via relay",
      results.map((r) => r.client),
    ),
    row(
      "commit → new price in Chromium DOM",
      results.map((r) => r.browser),
    ),
    row(
      "  of which Redis → client",
      results.map((r) => r.client - r.redis),
    ),
    row(
      "  of which Redis → DOM",
      results.map((r) => r.browser - r.redis),
    ),
  ];
}

runBench(main);

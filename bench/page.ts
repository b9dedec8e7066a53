/**
 * The board at scale in Debian's Chromium: one sport with 500 events, 20 % of them repriced per
 * tick, on a throwaway stack (Postgres, Redis, relay, publisher, next start). The same page is
 * measured four ways in one run: the odds store's per-frame batching on or off (`?flush=sync`,
 * every delta tells its listeners at once), and the windowed list on or off (`?virtual=off`, every
 * row in the DOM). Unbatched with every row is the old board, the baseline.
 *
 *   npx tsx bench/page.ts [--events 500] [--share 20] [--tick 500] [--seconds 30] [--rounds 1]
 *
 * In the page: long tasks (PerformanceObserver 'longtask', > 50 ms by definition), frames per
 * second (requestAnimationFrame count), price-cell DOM writes (a MutationObserver on `data-price`)
 * and DOM commits (observer callbacks that saw a price write: one per React commit that touched
 * prices). A socket.io client beside the page counts the board price changes the relay delivered,
 * so writes ÷ delivered changes is DOM writes per changed cell (with every row in the DOM; a
 * windowed board writes only the changed cells it shows).
 */
import pg from "pg";
import type { Page } from "playwright";
import { unpackDelta } from "../lib/protocol";
import { buildWebIfStale } from "../scripts/next-build";
import { launchBrowser } from "../tests/support/browser";
import { connectClient } from "../tests/support/client";
import { startFullStackWith } from "./stack";
import { arg, percentile, runBench, table } from "./stats";

const EVENTS = arg("events", 500);
const SHARE = arg("share", 20);
const TICK_MS = arg("tick", 500);
const SECONDS = arg("seconds", 30);
const ROUNDS = arg("rounds", 1);
const SPORT = "basketball_nba";
/** A price cell the board shows: h2h, spreads and totals outcomes. */
const BOARD_PRICE = /^markets\.(h2h|spreads|totals)\.outcomes\.[^.]+\.price$/;

interface PageCounts {
  longTasks: number[];
  frames: number;
  writes: number;
  commits: number;
  elapsedMs: number;
}

/**
 * Clones the sport's seeded events (with markets, outcomes and bookmaker prices) until it has
 * `total`, in bulk SQL on one connection (the id maps are temp tables). Clones start an hour
 * apart per copy, so the board sorts them after the originals.
 */
async function growSport(client: pg.Client, sport: string, total: number): Promise<void> {
  const held = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM "Event" WHERE sport = $1`, [sport])).rows[0]?.n ?? 0);
  await client.query(
    `CREATE TEMP TABLE ev AS SELECT id AS src, gen_random_uuid() AS dst, n FROM (
       SELECT e.id, g AS n, row_number() OVER (ORDER BY g, e.id) AS rn FROM "Event" e CROSS JOIN generate_series(1, 1000) g WHERE e.sport = $1
     ) x WHERE rn <= $2`,
    [sport, Math.max(0, total - held)],
  );
  await client.query(`
    INSERT INTO "Event" (id, "externalId", sport, "isEsports", league, "homeTeam", "awayTeam", title, "startsAt", status, phase, "homeScore", "awayScore")
      SELECT ev.dst, 'bench-' || ev.dst, e.sport, e."isEsports", e.league, e."homeTeam", e."awayTeam", e.title, e."startsAt" + ev.n * interval '1 hour', e.status, e.phase, e."homeScore", e."awayScore"
      FROM ev JOIN "Event" e ON e.id = ev.src;
    CREATE TEMP TABLE mk AS SELECT m.id AS src, gen_random_uuid() AS dst, ev.dst AS event FROM ev JOIN "Market" m ON m."eventId" = ev.src;
    INSERT INTO "Market" (id, "eventId", key, line, status) SELECT mk.dst, mk.event, m.key, m.line, m.status FROM mk JOIN "Market" m ON m.id = mk.src;
    CREATE TEMP TABLE oc AS SELECT o.id AS src, gen_random_uuid() AS dst, mk.dst AS market FROM mk JOIN "Outcome" o ON o."marketId" = mk.src;
    INSERT INTO "Outcome" (id, "marketId", key, name, point) SELECT oc.dst, oc.market, o.key, o.name, o.point FROM oc JOIN "Outcome" o ON o.id = oc.src;
    INSERT INTO "BookPrice" ("outcomeId", bookmaker, price, "lastUpdate") SELECT oc.dst, b.bookmaker, b.price, b."lastUpdate" FROM oc JOIN "BookPrice" b ON b."outcomeId" = oc.src;
    DROP TABLE ev, mk, oc;
  `);
  await client.query("VACUUM ANALYZE"); // not inside the implicit transaction of a multi-statement query
}

/**
 * The page's counters; they run until `collect`. A string, not a function: tsx compiles with
 * esbuild's keepNames, whose `__name` helper does not exist inside the page.
 */
const INSTRUMENT = `(() => {
  const counts = { longTasks: [], frames: 0, writes: 0, commits: 0, startedAt: performance.now() };
  window.__bench = counts;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) counts.longTasks.push(entry.duration);
  }).observe({ type: "longtask" });
  const frame = () => {
    counts.frames += 1;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  new MutationObserver((records) => {
    let writes = 0;
    for (const record of records) if (record.target.classList && record.target.classList.contains("price")) writes += 1;
    counts.writes += writes;
    if (writes > 0) counts.commits += 1;
  }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ["data-price"] });
})()`;

async function collect(page: Page): Promise<PageCounts> {
  return page.evaluate(() => {
    const counts = (window as unknown as { __bench: { longTasks: number[]; frames: number; writes: number; commits: number; startedAt: number } }).__bench;
    return {
      longTasks: counts.longTasks,
      frames: counts.frames,
      writes: counts.writes,
      commits: counts.commits,
      elapsedMs: performance.now() - counts.startedAt,
    };
  });
}

async function main(): Promise<void> {
  await buildWebIfStale(".next-test");
  const connect = async (dbUrl: string) => {
    const sql = new pg.Client({ connectionString: dbUrl });
    await sql.connect();
    return sql;
  };
  // The sport is grown before the publisher starts, so its first snapshot holds every event.
  const prepare = async (dbUrl: string) => {
    const sql = await connect(dbUrl);
    await growSport(sql, SPORT, EVENTS);
    await sql.end();
  };
  const stack = await startFullStackWith({ PUBLISHER_INTERVAL_MS: String(TICK_MS) }, { prepare });
  const { relay, web } = stack;
  const sql = await connect(stack.dbUrl);
  const ids = (await sql.query<{ id: string }>(`SELECT id FROM "Event" WHERE sport = $1`, [SPORT])).rows.map((r) => r.id);
  process.stderr.write(`${ids.length} events on ${SPORT}\n`);
  const browser = await launchBrowser();
  const client = await connectClient(relay.url);
  try {
    const delivered = { prices: 0, other: 0, deltas: 0 };
    client.socket.on("odds:delta", (delta) => {
      unpackDelta(delta).changes.forEach((change) => {
        BOARD_PRICE.test(change.path) ? (delivered.prices += 1) : (delivered.other += 1);
      });
      delivered.deltas += 1;
    });
    await client.emit("subscribe", { sports: [SPORT] });

    /** Reprices SHARE % of the events each tick: every bookmaker's h2h home price, by ±10 %. */
    const tick = async () => {
      const chosen = ids.filter(() => Math.random() * 100 < SHARE);
      await sql.query(
        `UPDATE "BookPrice" bp SET price = greatest(1.01, round((bp.price * (0.9 + random() * 0.2))::numeric, 3)::float8), "lastUpdate" = now()
         FROM "Outcome" o JOIN "Market" m ON m.id = o."marketId"
         WHERE bp."outcomeId" = o.id AND m."eventId" = ANY($1::uuid[]) AND m.key = 'h2h' AND o.key = 'home'`,
        [chosen],
      );
    };

    const measure = async (flush: "frame" | "sync", virtual: boolean) => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${web.url}/sports?sport=${SPORT}${flush === "sync" ? "&flush=sync" : ""}${virtual ? "" : "&virtual=off"}`);
      await page.locator('.live-status[data-connection="live"]').waitFor({ timeout: 60_000 });
      const rows = await page.locator(".event[data-event-id]").count();
      await new Promise((resolve) => setTimeout(resolve, 2_000)); // hydration and first deltas settle
      await page.evaluate(INSTRUMENT);
      const seen = { ...delivered };
      const ends = Date.now() + SECONDS * 1000;
      while (Date.now() < ends) {
        const started = Date.now();
        await tick();
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, TICK_MS - (Date.now() - started))));
      }
      await new Promise((resolve) => setTimeout(resolve, 2 * TICK_MS)); // the last tick reaches the page
      const counts = await collect(page);
      await page.close();
      const prices = delivered.prices - seen.prices;
      return { flush, virtual, rows, counts, prices, other: delivered.other - seen.other, deltas: delivered.deltas - seen.deltas };
    };

    const html = await (await fetch(`${web.url}/sports?sport=${SPORT}`)).text();
    const serverRows = html.match(/data-event-id=/g)?.length ?? 0;

    const results = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      results.push(await measure("sync", false));
      results.push(await measure("frame", false));
      results.push(await measure("sync", true));
      results.push(await measure("frame", true));
    }
    const rows = results.map(({ flush, virtual, rows: shown, counts, prices, other, deltas }) => [
      `${flush === "frame" ? "batched" : "unbatched"}, ${virtual ? "virtual" : "every row"}${flush === "sync" && !virtual ? " (baseline: the old board)" : ""}`,
      shown,
      deltas,
      prices,
      other,
      counts.writes,
      (counts.writes / Math.max(1, prices)).toFixed(2),
      counts.commits,
      (counts.frames * 1000) / counts.elapsedMs,
      counts.longTasks.length,
      counts.longTasks.length ? Math.max(...counts.longTasks) : 0,
      percentile(counts.longTasks, 50),
    ]);
    console.log(`\nBoard in Chromium: ${ids.length} events on ${SPORT}, ${SHARE}% repriced per ${TICK_MS} ms tick, ${SECONDS} s per run\n`);
    console.log(
      table(
        [
          "page",
          "rows in DOM",
          "deltas",
          "price changes delivered",
          "other changes",
          "price-cell DOM writes",
          "writes per delivered change",
          "DOM commits",
          "fps",
          "long tasks",
          "longest (ms)",
          "p50 long task (ms)",
        ],
        rows,
      ),
    );
    console.log(`\nServer-rendered rows: ${serverRows}. A virtual board has only rows near the viewport in the DOM, so it writes fewer cells than changed.`);
    console.log(
      "\nTarget: no long task > 50 ms (so the 'long tasks' column is 0); one flush per frame; only changed cells written (≈ 1 write per changed cell).",
    );
  } finally {
    client.close();
    await browser.close();
    await sql.end();
    await stack.stop();
  }
}

runBench(main);

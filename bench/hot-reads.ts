/**
 * Requests per second of the hot reads, against GET /api/health in the same run, and the Postgres
 * queries each made.
 *
 *   npx tsx bench/hot-reads.ts [--concurrency 40] [--seconds 8] [--warmup 1]
 *
 * A throwaway stack (Postgres, Redis, relay, publisher, `next start` of the test build). The web
 * app reaches Postgres through a query counter (tests/support/pg-query-counter.ts), so each row
 * shows how many queries the web app sent while that route ran. Each route runs `seconds` with
 * `concurrency` requests in flight over keep-alive connections (Node's fetch), after `warmup`
 * seconds unmeasured; in order: GET /api/health (the baseline: one Postgres query and one Redis
 * PING), GET /api/sports, GET /api/sports/snapshot?sport=<busiest>, GET /api/events/<id> (events of
 * that sport in turn), GET /sports (the page, signed out), and for comparison the page rendered on
 * every request (an extra query parameter bypasses the kept page).
 */
import type { OddsSnapshot, SportsAnswer } from "../lib/protocol";
import { buildWebIfStale } from "../scripts/next-build";
import { type PgQueryCounter, startPgQueryCounter } from "../tests/support/pg-query-counter";
import { startFullStackWith } from "./stack";
import { arg, percentile, runBench, table } from "./stats";
import { runLoad, timed } from "./support/http-load";

const CONCURRENCY = arg("concurrency", 40);
const SECONDS = arg("seconds", 8);
const WARMUP = arg("warmup", 1);
/** The target: each hot read at least this share of the baseline's rate. */
const TARGET_RATIO = 0.75;

runBench(async () => {
  await buildWebIfStale(".next-test");
  // Started once the stack's Postgres exists, before the web app that connects through it.
  const held: { counter: PgQueryCounter | null } = { counter: null };
  const stack = await startFullStackWith(
    {},
    {
      prepare: async (dbUrl) => {
        held.counter = await startPgQueryCounter(Number(new URL(dbUrl).port));
      },
      webDatabaseUrl: (dbUrl) => (held.counter ? held.counter.url(dbUrl) : dbUrl),
    },
  );
  const counter = held.counter as PgQueryCounter | null;
  try {
    const web = stack.web.url;
    await waitForRedisAnswers(web);
    const sports = ((await (await fetch(`${web}/api/sports`)).json()) as SportsAnswer).sports;
    const sport = [...sports].sort((a, b) => b.activeEvents - a.activeEvents)[0]?.key ?? "";
    const events = ((await (await fetch(`${web}/api/sports/snapshot?sport=${sport}`)).json()) as OddsSnapshot).events.map((event) => event.id);
    const routes: [string, (i: number) => string][] = [
      ["GET /api/health (baseline)", () => "/api/health"],
      ["GET /api/sports", () => "/api/sports"],
      [`GET /api/sports/snapshot?sport=${sport}`, () => `/api/sports/snapshot?sport=${sport}`],
      [`GET /api/events/<id> (${events.length} events)`, (i) => `/api/events/${events[i % events.length]}`],
      ["GET /sports (page)", () => "/sports"],
      // Another query parameter bypasses the kept page: what one render costs (not a target row).
      ["GET /sports?render=each (rendered every time)", () => "/sports?render=each"],
    ];
    const rows: (string | number)[][] = [];
    let baseline = Number.NaN;
    for (const [name, path] of routes) {
      const get = (i: number) => timed(() => fetch(`${web}${path(i)}`));
      await runLoad(CONCURRENCY, get, { durationMs: WARMUP * 1000 });
      const before = counter?.queries() ?? 0;
      const run = await runLoad(CONCURRENCY, get, { durationMs: SECONDS * 1000 });
      const queries = (counter?.queries() ?? 0) - before;
      const rate = run.ok / run.seconds;
      if (Number.isNaN(baseline)) baseline = rate;
      rows.push([name, run.jobs, run.jobs - run.ok, rate, rate / baseline, percentile(run.times, 50), percentile(run.times, 99), queries, queries / run.jobs]);
    }
    console.log(`\nHot reads: ${CONCURRENCY} in flight, ${SECONDS} s per route (after ${WARMUP} s warm-up), one web process\n`);
    console.log(table(["route", "requests", "failed", "ok / s", "× health", "p50 ms", "p99 ms", "Postgres queries", "per request"], rows));
    const short = rows.slice(1, -1).filter((row) => Number(row[4]) < TARGET_RATIO);
    console.log(`\nTarget: every hot read ≥ ${TARGET_RATIO}× GET /api/health, with no Postgres query per request.`);
    console.log(short.length === 0 ? "Met." : `Not met by: ${short.map((row) => row[0]).join(", ")}`);
  } finally {
    await stack.stop();
    await counter?.close();
  }
});

/** Waits until GET /api/sports is served from the publisher's state in Redis (not the cold-start read). */
async function waitForRedisAnswers(web: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await fetch(`${web}/api/sports`)).headers.get("x-served-from") !== "redis") {
    if (Date.now() > deadline) throw new Error("the publisher did not store the catalogue and summary within 30 s");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

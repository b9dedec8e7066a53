/**
 * Bets per second and how fast the bettor hears about them, over the real stack.
 *
 *   npx tsx bench/bets.ts [--bettors 40] [--bets 1500] [--concurrency 40]
 *
 * A throwaway stack (Postgres, Redis, relay, publisher, `next start`). `bettors` accounts sign up
 * over HTTP, each with a socket on the relay carrying its relay token. Then `bets` bets are posted,
 * `concurrency` at a time, round-robin over the bettors:
 *   - on one outcome (every bet locks the same market and outcome rows: the worst case);
 *   - across many outcomes (every open outcome of the board).
 * For each bet: POST → 201 at the client, and POST → `user:update` at the bettor's socket.
 * Baselines in the same run, at the same concurrency: GET /api/health (the trivial route), GET
 * /api/account (the web app's floor for one authenticated request) and a bare INSERT of a bet row straight into Postgres (the database's
 * floor for one write, with the pool trigger).
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import pg from "pg";
import type { OddsSnapshot, UserUpdate } from "../lib/protocol";
import { type TestClient, connectClient } from "../tests/support/client";
import { WebUser } from "../tests/support/web-user";
import { buildWebIfStale } from "../scripts/next-build";
import { startFullStackWith } from "./stack";
import { insertRows } from "./support/bare-insert";
import { type JobResult, runLoad, timed } from "./support/http-load";
import { arg, percentile, runBench, table } from "./stats";

const BETTORS = arg("bettors", 40);
const BETS = arg("bets", 1_500);
const CONCURRENCY = arg("concurrency", 40);

interface Bettor {
  user: WebUser;
  socket: TestClient;
  /** When each bet's `user:update` arrived, by bet id. */
  heard: Map<string, number>;
}

interface Selection {
  eventId: string;
  market: string;
  outcome: string;
}

runBench(async () => {
  await buildWebIfStale(".next-test");
  const stack = await startFullStackWith({ DEMO_BALANCE: "1000000", LIABILITY_LIMIT: "1000000000", LARGE_BET_ALERT: "1000000", BET_MAX_STAKE: "1000" });
  const bettors: Bettor[] = [];
  try {
    bettors.push(...(await Promise.all(Array.from({ length: BETTORS }, () => signUp(stack.web.url, stack.relay.url)))));
    const selections = await openSelections(stack.web.url);
    const one = selections.slice(0, 1);
    const rows: (string | number)[][] = [];
    // Warm the web process up first (JIT, connections), so the first row measured is not the slowest for that alone.
    await runLoad(CONCURRENCY, () => timed(() => fetch(`${stack.web.url}/api/health`)), { count: 500 });
    rows.push(await measure("GET /api/health (the trivial route)", BETS, () => timed(() => fetch(`${stack.web.url}/api/health`))));
    rows.push(await measure("GET /api/account (baseline)", BETS, (i) => timed(() => bettors[i % BETTORS]!.user.get("/api/account"))));
    rows.push(await measure("INSERT a bet row in Postgres (baseline)", BETS, insertRows(stack.dbUrl, await outcomeIdOf(stack.dbUrl, one[0]!))));
    rows.push(await betRow("bets on one outcome", bettors, one));
    rows.push(await betRow(`bets across ${selections.length} outcomes`, bettors, selections));
    console.log(`\nBets over HTTP: ${BETTORS} bettors, ${BETS} requests per row, ${CONCURRENCY} in flight\n`);
    console.log(table(["what", "requests", "ok / s", "p50 ms", "p99 ms", "→ user:update p50 ms", "→ user:update p99 ms"], rows));
    console.log(`\nBets on one outcome: ${((rows[3]![2] as number) / (rows[0]![2] as number)).toFixed(2)}× the trivial route.`);
    console.log("Target: ≥ 0.8× the trivial route (aiming at 500 bets/s) on one outcome; POST → user:update at the bettor's socket p99 < 100 ms.");
  } finally {
    for (const bettor of bettors) bettor.socket.close();
    await stack.stop();
  }
});

async function signUp(webUrl: string, relayUrl: string): Promise<Bettor> {
  const user = new WebUser(webUrl);
  await user.signUp();
  const { token } = (await (await user.post("/api/auth/relay-token", {})).json()) as { token: string };
  const socket = await connectClient(relayUrl, { token });
  const heard = new Map<string, number>();
  socket.socket.on("user:update", (update: UserUpdate) => {
    if (update.kind === "bet_accepted") heard.set(update.bet.id, performance.now());
  });
  return { user, socket, heard };
}

/**
 * Every open outcome of every prematch event on the board, across sports: an in-play bet waits its
 * sport's in-play delay (seconds) by design, which would measure the delay, not placement.
 */
async function openSelections(webUrl: string): Promise<Selection[]> {
  const selections: Selection[] = [];
  for (const sport of ["basketball_nba", "soccer_epl", "icehockey_nhl", "americanfootball_nfl"]) {
    const snapshot = (await (await fetch(`${webUrl}/api/sports/snapshot?sport=${sport}`)).json()) as OddsSnapshot;
    for (const event of snapshot.events) {
      if (event.status !== "active" || event.phase !== "prematch" || Date.parse(event.startsAt) <= Date.now()) continue;
      for (const [market, odds] of Object.entries(event.markets)) {
        if (odds.status === "open") for (const outcome of Object.keys(odds.outcomes)) selections.push({ eventId: event.id, market, outcome });
      }
    }
  }
  return selections;
}

/** Posts `BETS` bets round-robin over bettors and selections; times the 201 and the user:update. */
async function betRow(name: string, bettors: Bettor[], selections: Selection[]): Promise<(string | number)[]> {
  const sent: { bettor: Bettor; betId: string; at: number }[] = [];
  const row = await measure(name, BETS, async (i) => {
    const bettor = bettors[i % bettors.length]!;
    const selection = selections[i % selections.length]!;
    const at = performance.now();
    const answer = await bettor.user.post("/api/bets", { ...selection, stake: 1, price: 1.01, accept: "any" }, { "idempotency-key": randomUUID() });
    const took = performance.now() - at;
    if (answer.status !== 201) return { ok: false, ms: took };
    sent.push({ bettor, betId: ((await answer.json()) as { bet: { id: string } }).bet.id, at });
    return { ok: true, ms: took };
  });
  await new Promise((resolve) => setTimeout(resolve, 1_000)); // the last updates on their way
  const heard = sent.map(({ bettor, betId, at }) => (bettor.heard.get(betId) ?? Number.NaN) - at).filter(Number.isFinite);
  return [
    ...row.slice(0, 5),
    percentile(heard, 50),
    percentile(heard, 99),
    ...(heard.length < sent.length ? [`(${sent.length - heard.length} not heard)`] : []),
  ];
}

type Work = (i: number) => Promise<JobResult>;

/** Runs `count` jobs `CONCURRENCY` at a time; ok per second over the wall time, and latencies. */
async function measure(name: string, count: number, work: Work): Promise<(string | number)[]> {
  const { ok, seconds, times } = await runLoad(CONCURRENCY, work, { count });
  return [name, count, ok / seconds, percentile(times, 50), percentile(times, 99), "", ""];
}

async function outcomeIdOf(dbUrl: string, selection: Selection): Promise<string> {
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  const { rows } = await client.query<{ id: string }>(
    `SELECT o.id FROM "Outcome" o JOIN "Market" m ON m.id = o."marketId" WHERE m."eventId" = $1 AND m.key = $2 AND o.key = $3`,
    [selection.eventId, selection.market, selection.outcome],
  );
  await client.end();
  return rows[0]?.id ?? "";
}

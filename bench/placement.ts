/**
 * Bets per second at the placement layer: `placeBet` itself, without HTTP, on real Postgres and
 * Redis priced by the real publisher.
 *
 *   npx tsx bench/placement.ts [--bettors 200] [--bets 4000] [--concurrency 200]
 *
 * `bettors` accounts with balances that never run out; `bets` bets of 1 at "any" price, `concurrency`
 * at a time, round-robin over the bettors, each under a fresh Idempotency-Key. Rows, in one run,
 * on a database pool as large as the web app's (5):
 *   - a bare INSERT of a bet row (the database's floor for one write, with the pool trigger);
 *   - bets on one outcome, one transaction per bet (groups of 1: how bets were decided before);
 *   - bets on one outcome, decided in groups (bet-groups.ts);
 *   - bets across every open prematch outcome of the board, in groups;
 *   - bets on one outcome, in groups, once every bettor has set stake limits for the day, week and
 *     month (high enough never to refuse): what reading the limits and summing each bettor's
 *     stakes costs (docs/limits.md).
 * After the rows it checks what must hold: each account's balance is its deposit less its stakes.
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { Redis } from "ioredis";
import { signUp } from "../lib/accounts/accounts";
import { balanceOf } from "../lib/accounts/ledger";
import { changeLimits } from "../lib/accounts/limits-store";
import { liveQuote } from "../lib/bets/live-quote";
import { type PlacementRules, placeBet } from "../lib/bets/placement";
import type { BetRequest } from "../lib/bets/request";
import { type Db, createDb } from "../lib/db";
import { KEYS, boardSport } from "../lib/protocol";
import { seedDemoData } from "../prisma/seed";
import { until } from "../tests/support/full-stack";
import { createTestDatabase, startPostgresServer, startRedisServer } from "../tests/support/services";
import { startPublisher } from "../tests/support/stack";
import { insertRows } from "./support/bare-insert";
import { type JobResult, runLoad } from "./support/http-load";
import { arg, percentile, runBench, table } from "./stats";

const BETTORS = arg("bettors", 200);
const BETS = arg("bets", 4_000);
const CONCURRENCY = arg("concurrency", 200);
const DEPOSIT = 1_000_000;

const rules: PlacementRules = { liabilityLimit: 1e12, minStake: 1, delays: { defaultMs: 0, bySport: {} }, trust: async () => null };

runBench(async () => {
  const postgres = await startPostgresServer();
  const redis = await startRedisServer();
  const dbUrl = await createTestDatabase(postgres.url, "placement");
  const db = createDb(dbUrl, { poolSize: 5 });
  const client = new Redis(redis.url);
  await seedDemoData(db);
  const publisher = await startPublisher(dbUrl, redis.url);
  try {
    await until(async () => Number(await client.get(KEYS.sportSeq("basketball_nba"))) > 0, 30_000, "the board");
    const bettors = await Promise.all(
      Array.from({ length: BETTORS }, async () => (await signUp(db, { email: `${randomUUID()}@bench.test`, password: "long enough" }, DEPOSIT)).id),
    );
    const selections = await openSelections(db, client);
    const one = selections.slice(0, 1);
    const staked = new Map<string, number>();
    const bets =
      (groupLimit?: number, on = one) =>
      async (i: number): Promise<JobResult> => {
        const user = bettors[i % bettors.length]!;
        const request: BetRequest = { ...on[i % on.length]!, stake: 1, price: 1.01, accept: "any" };
        const at = performance.now();
        const placement = await placeBet({ db, redis: client, groupLimit }, user, request, randomUUID(), rules);
        if (placement.placed) staked.set(user, (staked.get(user) ?? 0) + 1);
        return { ok: placement.decision.status === 201, ms: performance.now() - at };
      };
    const rows: (string | number)[][] = [
      await measure("INSERT a bet row in Postgres (baseline)", insertRows(dbUrl, await outcomeIdOf(db, one[0]!))),
      await measure("bets on one outcome, one transaction each", bets(1)),
      await measure("bets on one outcome, in groups", bets()),
      await measure(`bets across ${selections.length} outcomes, in groups`, bets(undefined, selections)),
    ];
    for (const id of bettors) {
      for (const period of ["day", "week", "month"] as const) {
        await changeLimits(db, { id, email: `${id}@bench.test`, role: "user", sessionId: "" }, { kind: "stake", period, amount: DEPOSIT }, new Date());
      }
    }
    rows.push(await measure("bets on one outcome, in groups, stake limits set", bets()));
    const wrong = (await Promise.all(bettors.map(async (user) => (await balanceOf(db, user)).balance !== DEPOSIT - (staked.get(user) ?? 0)))).filter(Boolean);
    console.log(`\nPlacement without HTTP: ${BETTORS} bettors, ${BETS} bets per row, ${CONCURRENCY} in flight, database pool 5\n`);
    console.log(
      table(
        ["what", "requests", "ok / s", "× baseline", "p50 ms", "p99 ms"],
        rows.map((row) => [...row.slice(0, 3), ratio(row, rows[0]!), ...row.slice(3)]),
      ),
    );
    console.log(`\nBalances: ${wrong.length === 0 ? "every account's balance is its deposit less its stakes" : `${wrong.length} accounts WRONG`}`);
    console.log("Target: a hot market takes ≥ 1,000 bets/s at the placement layer.");
  } finally {
    await publisher.stop();
    client.disconnect();
    await db.$disconnect();
    await redis.stop();
    await postgres.stop();
  }
});

type Pick = Omit<BetRequest, "stake" | "price" | "accept">;

/** Every open outcome of every prematch event on the board (an in-play bet waits its delay by design). */
async function openSelections(db: Db, redis: Redis): Promise<Pick[]> {
  const events = await db.event.findMany({
    where: { status: "ACTIVE", phase: "PREMATCH", startsAt: { gt: new Date(Date.now() + 600_000) } },
    select: { id: true, sport: true, isEsports: true, markets: { select: { key: true, outcomes: { select: { key: true } } } } },
  });
  const picks: Pick[] = [];
  for (const event of events) {
    const sport = boardSport(event);
    if (!sport) continue;
    for (const market of event.markets) {
      for (const outcome of market.outcomes) {
        const quote = await liveQuote(redis, sport, event.id, market.key, outcome.key);
        if (quote?.open && !quote.inPlay) picks.push({ eventId: event.id, market: market.key, outcome: outcome.key });
      }
    }
  }
  if (picks.length === 0) throw new Error("no open prematch outcome on the board");
  return picks;
}

async function outcomeIdOf(db: Db, pick: Pick): Promise<string> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT o.id::text AS id FROM "Outcome" o JOIN "Market" m ON m.id = o."marketId"
    WHERE m."eventId" = ${pick.eventId}::uuid AND m.key = ${pick.market} AND o.key = ${pick.outcome}`;
  return rows[0]!.id;
}

/** Runs BETS jobs CONCURRENCY at a time: ok per second over the wall time, and latencies. */
async function measure(name: string, work: (i: number) => Promise<JobResult>): Promise<(string | number)[]> {
  const { ok, seconds, times } = await runLoad(CONCURRENCY, work, { count: BETS });
  return [name, BETS, ok / seconds, percentile(times, 50), percentile(times, 99)];
}

const ratio = (row: (string | number)[], baseline: (string | number)[]) => `${((row[2] as number) / (baseline[2] as number)).toFixed(2)}×`;

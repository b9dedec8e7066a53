import { performance } from "node:perf_hooks";
import { createDb } from "../lib/db";
import { seedDemoData } from "../prisma/seed";
import { buildWebIfStale } from "../scripts/next-build";
import { startPm2Web } from "../tests/support/pm2";
import { createTestDatabase, startPostgresServer, startRedisServer } from "../tests/support/services";
import { TEST_ADMIN_TOKEN, TEST_JWT_SECRET, TEST_SESSION_SECRET, publisherEnv } from "../tests/support/stack";
import { ROOMY_LIMITS, TEST_DIST_DIR } from "../tests/support/web";
import { WebUser } from "../tests/support/web-user";
import { freshGet } from "../tests/support/fresh-get";
import { arg, percentile, runBench, table } from "./stats";

const ROUNDS = arg("rounds", 30);
/** Refusals in a row that show every process refuses (two processes, each connection to the next). */
const REFUSED_IN_A_ROW = 4;

interface Round {
  /** Sign-out answered → the first of the refusals in a row, ms. */
  refusedAfterMs: number;
  /** Requests answered 200 after the sign-out had answered. */
  servedAfter: number;
  /** A fresh GET with the live cookie before the sign-out, ms. */
  liveGetMs: number;
}

async function round(url: string): Promise<Round> {
  const bettor = new WebUser(url);
  const signedUp = await bettor.signUp();
  if (signedUp.status !== 201) throw new Error(`sign-up answered ${signedUp.status}: ${await signedUp.text()}`);
  const session = bettor.sessionCookie();
  if (!session) throw new Error("sign-up set no session cookie");
  const cookie = `${session.name}=${session.value}`;
  const account = `${url}/api/account`;
  let liveGetMs = 0;
  for (let i = 0; i < 10; i += 1) {
    const started = performance.now();
    const status = await freshGet(account, cookie);
    liveGetMs = performance.now() - started;
    if (status !== 200) throw new Error(`a live session was refused (${status}) before the sign-out`);
  }
  const signedOut = await bettor.post("/api/account/logout", {});
  if (signedOut.status >= 300) throw new Error(`sign-out answered ${signedOut.status}`);
  const answeredAt = performance.now();
  let servedAfter = 0;
  let refusedSince: number | null = null;
  let inARow = 0;
  while (inARow < REFUSED_IN_A_ROW) {
    const sentAt = performance.now();
    const status = await freshGet(account, cookie);
    if (status === 401) {
      refusedSince ??= sentAt;
      inARow += 1;
    } else if (status === 200) {
      servedAfter += 1;
      refusedSince = null;
      inARow = 0;
    } else {
      throw new Error(`GET /api/account answered ${status}`);
    }
    if (sentAt - answeredAt > 60_000) throw new Error("the revoked session was still served a minute after the sign-out");
  }
  return { refusedAfterMs: Math.max(0, (refusedSince ?? answeredAt) - answeredAt), servedAfter, liveGetMs };
}

runBench(async () => {
  await buildWebIfStale(TEST_DIST_DIR);
  const postgres = await startPostgresServer();
  const redis = await startRedisServer();
  const dbUrl = await createTestDatabase(postgres.url, "revocation");
  const db = createDb(dbUrl);
  await seedDemoData(db);
  await db.$disconnect();
  const web = await startPm2Web(
    {
      ...publisherEnv(dbUrl, redis.url),
      ...ROOMY_LIMITS,
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      RELAY_JWT_SECRET: TEST_JWT_SECRET,
      SESSION_SECRET: TEST_SESSION_SECRET,
    },
    2,
  );
  try {
    const rounds: Round[] = [];
    for (let i = 0; i < ROUNDS; i += 1) rounds.push(await round(web.url));
    const refused = rounds.map((r) => r.refusedAfterMs);
    const live = rounds.map((r) => r.liveGetMs);
    const served = rounds.reduce((sum, r) => sum + r.servedAfter, 0);
    console.log(`\nA signed-out session on WEB_INSTANCES=2, ${ROUNDS} rounds (ms)\n`);
    console.log(
      table(
        ["what", "p50", "p99", "max"],
        [
          ["fresh GET /api/account, live cookie (baseline: the poll's resolution)", percentile(live, 50), percentile(live, 99), Math.max(...live)],
          [
            `sign-out answered → refused by both processes (${REFUSED_IN_A_ROW} in a row)`,
            percentile(refused, 50),
            percentile(refused, 99),
            Math.max(...refused),
          ],
        ],
      ),
    );
    console.log(`\nRequests served with the session after its sign-out had answered: ${served} in ${ROUNDS} rounds.`);
    console.log("Target: a revoked session stops working within a second (docs/targets.md, 'sessions').");
  } finally {
    await web.stop();
    await redis.stop();
    await postgres.stop();
  }
});

import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { assertDbReachable, createDb } from "../lib/db";
import { StartupError, errorMessage, urlAddress } from "../lib/errors";
import { runMain } from "../lib/process";
import { assertRedisReachable } from "../lib/redis";
import { DEMO_ACCOUNTS, ensureDemoAccounts } from "../lib/accounts/demo";
import { isEmpty, seedDemoData } from "../prisma/seed";
import {
  PG_DATA_DIR,
  PM2_HOME,
  type PortUse,
  REDIS_DIR,
  ROOT,
  appsRunning,
  ensureLocalPostgres,
  ensureLocalRedis,
  localOrigins,
  type LocalSecrets,
  localSecrets,
  pm2,
  portsTaken,
  stopApps,
  stopLocalPostgres,
  stopLocalRedis,
  stopStack,
} from "./local-stack";
import { buildAppsIfStale } from "./app-build";
import { migrate } from "./migrations";
import { buildWebIfStale } from "./next-build";
import { waitFor } from "./services/ports";
import { postgresRunning } from "./services/postgres";
import { redisRunning } from "./services/redis";
import { type StackEnv, parseStackEnv } from "./stack-env";

/**
 * `npm start`: services (unless DATABASE_URL / REDIS_URL are given), migrations, demo data, a
 * production build when sources changed (Next.js, and the apps' bundles in dist/), then web +
 * ws-server + publisher + feed under PM2.
 * Stays in the foreground streaming logs; Ctrl-C stops everything it started. `--detach` returns
 * once the URL is printed (then `npm stop`).
 */

const say = (line: string) => console.log(`» ${line}`);

type Undo = () => Promise<void>;

runMain(async () => {
  const detach = process.argv.includes("--detach");
  if (existsSync(path.join(ROOT, ".env"))) process.loadEnvFile(path.join(ROOT, ".env"));
  const stack = parseStackEnv(process.env);
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(stack.PORT), RELAY_PORT: String(stack.RELAY_PORT) };
  await refuseTakenPorts(stack);
  const secrets = await localSecrets();
  // What this run starts, undone in reverse if a later step fails or Ctrl-C comes first: nothing
  // is left half-started.
  const undo: Undo[] = [];
  let rollingBack: Promise<void> | null = null;
  const rollBackOnce = () => (rollingBack ??= rollBack(undo));
  let signalled = false;
  // Ctrl-C reaches us more than once (from the terminal, and relayed by npm and tsx): every one
  // must be handled, or the second would kill us half-way through the rollback.
  const interrupted = () => {
    if (signalled) return;
    signalled = true;
    void rollBackOnce().finally(() => process.exit(130));
  };
  process.on("SIGINT", interrupted);
  process.on("SIGTERM", interrupted);
  try {
    await startEverything(stack, env, secrets, undo);
  } catch (error) {
    // A step that failed because of Ctrl-C (the build got the signal too) is no error to report.
    await rollBackOnce();
    if (signalled) process.exit(130);
    throw error;
  } finally {
    process.off("SIGINT", interrupted);
    process.off("SIGTERM", interrupted);
  }
  printReady(stack.PORT, stack.RELAY_PORT, env.ADMIN_TOKEN, secrets);
  if (detach) return;
  await followLogs();
});

async function rollBack(undo: Undo[]): Promise<void> {
  if (undo.length) say("stopping what this run started");
  for (const step of [...undo].reverse()) await step().catch(() => {});
}

/**
 * Services, database, build, apps, health. Each stop is registered before its start (the stops
 * are idempotent), so a failure half-way through a start is undone too.
 */
async function startEverything(stack: StackEnv, env: NodeJS.ProcessEnv, secrets: LocalSecrets, undo: Undo[]): Promise<void> {
  let databaseUrl = stack.DATABASE_URL;
  if (!databaseUrl) {
    if (!(await postgresRunning(PG_DATA_DIR))) undo.push(() => stopLocalPostgres(PG_DATA_DIR, say));
    databaseUrl = (await provision("Postgres", "DATABASE_URL", stack.POSTGRES_PORT, PG_DATA_DIR, () => ensureLocalPostgres(stack.POSTGRES_PORT))).url;
  }
  let redisUrl = stack.REDIS_URL;
  if (!redisUrl) {
    if (!(await redisRunning(REDIS_DIR))) undo.push(() => stopLocalRedis(REDIS_DIR, say));
    redisUrl = (await provision("Redis", "REDIS_URL", stack.REDIS_PORT, REDIS_DIR, () => ensureLocalRedis(stack.REDIS_PORT))).url;
  }
  await assertRedisReachable(redisUrl);
  await prepareDatabase(databaseUrl, secrets, stack.DEMO_BALANCE, stack.ODDS_SOURCE === "simulator");
  Object.assign(env, {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    ADMIN_TOKEN: stack.ADMIN_TOKEN ?? secrets.ADMIN_TOKEN,
    RELAY_JWT_SECRET: stack.RELAY_JWT_SECRET ?? secrets.RELAY_JWT_SECRET,
    SESSION_SECRET: stack.SESSION_SECRET ?? secrets.SESSION_SECRET,
    RELAY_ALLOWED_ORIGINS: stack.RELAY_ALLOWED_ORIGINS ?? localOrigins(stack.PORT).join(","),
  });
  await buildIfStale(env);
  say("starting web, ws-server, publisher and feed under PM2");
  if (!(await appsRunning())) undo.push(() => stopApps(say));
  const started = await pm2(["startOrRestart", "ecosystem.config.cjs", "--update-env"], env);
  if (started.code !== 0) throw new StartupError(`pm2 could not start the apps:\n${started.stderr || started.stdout}`);
  await waitHealthy(`http://127.0.0.1:${stack.PORT}/api/health`, "web");
  await waitHealthy(`http://127.0.0.1:${stack.RELAY_PORT}/health`, "ws-server");
  // The board is on the page once the publisher has ticked (or it is stopped on purpose).
  await waitHealthy(`http://127.0.0.1:${stack.PORT}/api/sports/ws-publisher`, "publisher", async (response) => {
    const status = PublisherHealthAnswer.safeParse(await response.json());
    return status.success && status.data.health.status !== "failing";
  });
}

/** The part of GET /api/sports/ws-publisher that says whether the board is in place. */
const PublisherHealthAnswer = z.object({ health: z.object({ status: z.enum(["ok", "stopped", "failing"]) }) });

/**
 * Before starting anything: every port this run would listen on must be free (ports held by this
 * checkout's own running services are fine; they are reused). Otherwise one line names them.
 */
async function refuseTakenPorts(stack: StackEnv): Promise<void> {
  const wanted: PortUse[] = [];
  if (!(await appsRunning())) {
    wanted.push({ port: stack.PORT, host: stack.HOST, what: "the web app; set PORT to use another" });
    wanted.push({ port: stack.RELAY_PORT, host: stack.RELAY_HOST, what: "the relay; set RELAY_PORT to use another" });
  }
  if (!stack.DATABASE_URL && !(await postgresRunning(PG_DATA_DIR))) {
    wanted.push({ port: stack.POSTGRES_PORT, host: "127.0.0.1", what: "Postgres; set POSTGRES_PORT, or DATABASE_URL to use your own" });
  }
  if (!stack.REDIS_URL && !(await redisRunning(REDIS_DIR))) {
    wanted.push({ port: stack.REDIS_PORT, host: "127.0.0.1", what: "Redis; set REDIS_PORT, or REDIS_URL to use your own" });
  }
  const taken = await portsTaken(wanted);
  if (taken.length === 0) return;
  const list = taken.map((use) => `${use.port} (${use.what})`).join(" and ");
  throw new StartupError(`Cannot start: port ${list} ${taken.length > 1 ? "are" : "is"} already in use by another program. Nothing was started.`);
}

/** Starts (or reuses) a local service and says which, where it listens and where its data is. */
async function provision<T extends { started: boolean }>(name: string, variable: string, port: number, dataDir: string, work: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await work();
  } catch (error) {
    throw new StartupError(`${name} could not be started: ${errorMessage(error)}`);
  }
  const how = result.started ? "started a local server" : "the local server is already running";
  say(`${name}: ${how} on port ${port}, data in ${dataDir} (set ${variable} to use your own)`);
  return result;
}

async function prepareDatabase(databaseUrl: string, secrets: LocalSecrets, demoBalance: number, seedEvents: boolean): Promise<void> {
  const db = createDb(databaseUrl, { poolSize: 2 });
  try {
    await assertDbReachable(db, databaseUrl);
    const result = await migrate(databaseUrl).catch((error: Error) => {
      throw new StartupError(`Migrations failed on ${urlAddress(databaseUrl)}: ${error.message}`);
    });
    say(result.applied.length ? `applied migrations: ${result.applied.join(", ")}` : "database schema is up to date");
    if (!seedEvents) say("ODDS_SOURCE=the-odds-api: no demo events; sports and events come from The Odds API");
    else if (await isEmpty(db)) {
      const counts = await seedDemoData(db);
      say(`seeded demo data: ${counts.sports} sports, ${counts.events} events, ${counts.prices} bookmaker prices`);
    }
    await ensureDemoAccounts(db, { bettor: secrets.DEMO_BETTOR_PASSWORD, admin: secrets.DEMO_ADMIN_PASSWORD }, demoBalance);
  } finally {
    await db.$disconnect();
  }
}

/**
 * Runs `next build` when there is no build or any web source is newer than it, and bundles
 * ws-server, publisher and feed into dist/ (what PM2 runs) when any of their sources is newer.
 */
async function buildIfStale(env: NodeJS.ProcessEnv): Promise<void> {
  say("checking the web build (next build runs when sources changed; about a minute)");
  try {
    if (await buildWebIfStale(".next", env)) say("built the web app");
    if (await buildAppsIfStale()) say("built ws-server, publisher and feed into dist/");
  } catch (error) {
    throw new StartupError(errorMessage(error));
  }
}

/** Waits until `url` answers and `healthy` accepts the answer (by default: any 2xx). */
async function waitHealthy(url: string, app: string, healthy = async (response: Response) => response.ok): Promise<void> {
  const check = async () => {
    const response = await fetch(url).catch(() => null);
    return response !== null && (await healthy(response).catch(() => false));
  };
  try {
    await waitFor(check, 90_000, `${app} at ${url}`, 250);
  } catch {
    const logs = await pm2(["logs", app, "--nostream", "--lines", "30"]);
    throw new StartupError(`${app} did not become healthy at ${url}. Its last log lines:\n${logs.stdout}`);
  }
}

function printReady(webPort: number, relayPort: number, adminToken: string | undefined, secrets: LocalSecrets): void {
  const [bettor, admin] = DEMO_ACCOUNTS;
  console.log(`
  Live Odds is running.

    Open          http://localhost:${webPort}/sports
    Relay         http://localhost:${relayPort}/health
    Publisher     curl http://localhost:${webPort}/api/sports/ws-publisher
    Admin token   ${adminToken}   (Authorization: Bearer … for POST/DELETE)
    Demo bettor   ${bettor.email}   password ${secrets.DEMO_BETTOR_PASSWORD}
    Demo admin    ${admin.email}   password ${secrets.DEMO_ADMIN_PASSWORD}
    Logs          npm run logs            Processes   npm run status
    Stop          npm stop   (or Ctrl-C here)
`);
}

/** Streams the apps' logs until Ctrl-C, then stops everything this checkout started. */
async function followLogs(): Promise<void> {
  const logs = spawn(process.execPath, [path.join(ROOT, "node_modules", "pm2", "bin", "pm2"), "logs", "--lines", "5"], {
    cwd: ROOT,
    env: { ...process.env, PM2_HOME },
    stdio: ["ignore", "inherit", "inherit"],
  });
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return; // Ctrl-C arrives more than once; each must be caught, one acts
      stopping = true;
      logs.kill("SIGTERM");
      console.log("\n» stopping…");
      stopStack(say).then(resolve, (error: unknown) => {
        console.error(errorMessage(error));
        resolve();
      });
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

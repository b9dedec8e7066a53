import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb } from "../../lib/db";
import { seedDemoData } from "../../prisma/seed";
import { until } from "../support/full-stack";
import { type Pm2Web, startPm2Web } from "../support/pm2";
import { type RedisService, createTestDatabase, startRedisServer } from "../support/services";
import { TEST_ADMIN_TOKEN, TEST_JWT_SECRET, TEST_SESSION_SECRET, publisherEnv } from "../support/stack";
import { ROOMY_LIMITS } from "../support/web";
import { freshGet } from "../support/fresh-get";
import { WebUser } from "../support/web-user";

/**
 * The web tier scaled by processes: `WEB_INSTANCES=2` through the ecosystem file, as production
 * runs it (PM2 cluster mode, both on one port). Each request below opens its own connection, so
 * PM2 hands them to the two processes in turn.
 */

async function statuses(url: string, count: number, cookie = ""): Promise<number[]> {
  const seen: number[] = [];
  for (let i = 0; i < count; i += 1) seen.push(await freshGet(url, cookie));
  return seen;
}

describe("WEB_INSTANCES=2", () => {
  let redis: RedisService;
  let web: Pm2Web;

  beforeAll(async () => {
    const dbUrl = await createTestDatabase(inject("pgServerUrl"), "webcluster");
    const db = createDb(dbUrl);
    await seedDemoData(db);
    await db.$disconnect();
    redis = await startRedisServer();
    web = await startPm2Web(
      {
        ...publisherEnv(dbUrl, redis.url),
        ...ROOMY_LIMITS,
        ADMIN_TOKEN: TEST_ADMIN_TOKEN,
        RELAY_JWT_SECRET: TEST_JWT_SECRET,
        SESSION_SECRET: TEST_SESSION_SECRET,
      },
      2,
    );
  });
  afterAll(async () => {
    await web?.stop();
    await redis?.stop();
  });

  it("runs two processes on one port", async () => {
    const workers = await web.workers();
    expect(workers.filter((worker) => worker.status === "online")).toHaveLength(2);
    expect(new Set(workers.map((worker) => worker.pid)).size).toBe(2);
    expect(await statuses(`${web.url}/api/health`, 10)).toEqual(Array(10).fill(200));
  });

  it("serves a bettor's session on every process, and a sign-out on one is refused by all", async () => {
    const bettor = new WebUser(web.url);
    expect((await bettor.signUp()).status).toBe(201);
    const session = bettor.sessionCookie();
    const cookie = `${session?.name}=${session?.value}`;
    // Read on both processes, so each keeps the session in memory.
    expect(await statuses(`${web.url}/api/account`, 10, cookie)).toEqual(Array(10).fill(200));
    expect((await bettor.post("/api/account/logout", {})).status).toBeLessThan(300);
    // The process that signed out forgot it at once; the other hears it on Redis. A process that
    // kept it would answer 200 for a minute.
    await until(
      async () => (await statuses(`${web.url}/api/account`, 10, cookie)).every((status) => status === 401),
      10_000,
      "every process refusing the cookie",
    );
  });

  it("keeps serving on the other process when one is killed", async () => {
    const [victim] = await web.workers();
    process.kill(victim?.pid ?? 0, "SIGKILL");
    // A connection handed to the victim in the instant before the cluster noticed its death is
    // lost (a browser retries it); from then on the survivor takes every one, while PM2 restarts it.
    await until(async () => !(await web.workers()).some((worker) => worker.pid === victim?.pid), 10_000, "PM2 noticing the death");
    expect(await statuses(`${web.url}/api/health`, 10)).toEqual(Array(10).fill(200));
  });
});

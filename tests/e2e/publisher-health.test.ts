import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { z } from "zod";
import { createDb } from "../../lib/db";
import type { PublisherStatus } from "../../lib/publisher/control";
import { seedDemoData } from "../../prisma/seed";
import { createDatabase, startPostgres, stopPostgres } from "../../scripts/services/postgres";
import { until } from "../support/full-stack";
import { type Proc, logsOnFailure } from "../support/processes";
import { type RedisService, type Service, TEMPLATE_DB, startPostgresServer, startRedisServer } from "../support/services";
import { publisherEnv, startPublisher } from "../support/stack";
import { type WebProc, startWeb } from "../support/web";

/**
 * A Postgres outage under a running publisher, on a Postgres server of its own (the shared one
 * stays up for the other tests): the status route must say `failing` and why, keep the last
 * *successful* tick, answer 503, and come back to `ok` by itself.
 */
describe("publisher status through a Postgres outage", () => {
  let postgres: Service & { port: number; dataDir: string };
  let redis: RedisService;
  let publisher: Proc;
  let web: WebProc;
  const get = async () => {
    const response = await fetch(`${web.url}/api/sports/ws-publisher`);
    return { code: response.status, body: (await response.json()) as PublisherStatus };
  };

  beforeAll(async () => {
    postgres = await startPostgresServer();
    const dbUrl = await createDatabase(postgres.url, "outage", TEMPLATE_DB);
    const db = createDb(dbUrl);
    await seedDemoData(db);
    await db.$disconnect();
    redis = await startRedisServer();
    publisher = await startPublisher(dbUrl, redis.url);
    web = await startWeb(publisherEnv(dbUrl, redis.url));
  });

  afterAll(async () => {
    await Promise.all([web?.stop(), publisher?.stop()]);
    await redis?.stop();
    await postgres?.stop();
  });

  it("reports failing with the reason and the last successful tick, answers 503, and recovers", async () => {
    logsOnFailure(onTestFailed, () => [publisher]);
    await until(async () => (await get()).body.health.status === "ok", 30_000, "a healthy publisher");
    expect((await get()).code).toBe(200);

    await stopPostgres(postgres.dataDir, "immediate");
    await until(async () => (await get()).body.health.status === "failing", 20_000, "failing");
    const during = await get();
    expect(during.code).toBe(503);
    expect(during.body).toMatchObject({
      desired: "running",
      running: false,
      health: { status: "failing", reason: "Postgres is unreachable", since: expect.any(String) },
    });
    const lastGood = during.body.lastTick?.at;
    expect(lastGood).toBeDefined();
    // Failed ticks keep coming; none of them counts as a tick.
    const errors = during.body.errors.count;
    await until(async () => (await get()).body.errors.count > errors + 3, 20_000, "more failed ticks");
    expect((await get()).body.lastTick?.at).toBe(lastGood);
    // Logged when the outage starts, not once per failed tick: no reason is logged twice.
    const reasons = errorReasons(publisher.output());
    expect(reasons).toContain("Postgres is unreachable");
    expect(new Set(reasons).size).toBe(reasons.length);

    await startPostgres({ dataDir: postgres.dataDir, port: postgres.port, durable: false });
    await until(async () => (await get()).body.health.status === "ok", 30_000, "ok again");
    const after = await get();
    expect(after.code).toBe(200);
    expect(after.body.running).toBe(true);
    expect(after.body.lastTick?.at && lastGood && after.body.lastTick.at > lastGood).toBe(true);
    expect(publisher.output()).toContain("ticks succeed again");
  });
});

/** The `reason` of every error line a process logged (pino JSON lines). */
function errorReasons(output: string): string[] {
  const reasons: string[] = [];
  for (const line of output.split("\n")) {
    const entry = LogLine.safeParse(safeJson(line));
    if (entry.success && entry.data.level === "error" && entry.data.reason) reasons.push(entry.data.reason);
  }
  return reasons;
}

const LogLine = z.object({ level: z.string(), reason: z.string().optional() });

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}

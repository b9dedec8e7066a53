import { describe, expect, it } from "vitest";
import { freePort } from "../../scripts/services/ports";
import { spawnTs } from "../support/processes";

/**
 * A service that is down at start: one clear line naming the variable and the address, exit code 1,
 * no stack trace. Checked for every entry point that needs Postgres or Redis.
 */
describe("startup with an unreachable service", () => {
  it("publisher: Redis down", async () => {
    const port = await freePort();
    const proc = spawnTs("publisher", "lib/publisher/main.ts", { DATABASE_URL: "postgresql://postgres@127.0.0.1:1/x", REDIS_URL: `redis://127.0.0.1:${port}` });
    expect(await proc.exited).toBe(1);
    expectOneLine(proc.output(), `Cannot reach Redis at 127.0.0.1:${port} (REDIS_URL)`);
  });

  it("publisher: Postgres down", async () => {
    const redisPort = await freePort();
    const { startRedisServer } = await import("../support/services");
    const redis = await startRedisServer();
    try {
      const proc = spawnTs("publisher", "lib/publisher/main.ts", { DATABASE_URL: `postgresql://postgres@127.0.0.1:${redisPort}/x`, REDIS_URL: redis.url });
      expect(await proc.exited).toBe(1);
      expectOneLine(proc.output(), `Cannot reach Postgres at 127.0.0.1:${redisPort} (DATABASE_URL)`);
    } finally {
      await redis.stop();
    }
  });

  it("relay: Redis down", async () => {
    const port = await freePort();
    const proc = spawnTs("relay", "vps/server.ts", { REDIS_URL: `redis://127.0.0.1:${port}`, RELAY_PORT: "0" });
    expect(await proc.exited).toBe(1);
    expectOneLine(proc.output(), `Cannot reach Redis at 127.0.0.1:${port} (REDIS_URL)`);
  });

  it("feed: Postgres down", async () => {
    const port = await freePort();
    const proc = spawnTs("feed", "lib/feed/main.ts", { DATABASE_URL: `postgresql://postgres@127.0.0.1:${port}/x`, REDIS_URL: "redis://127.0.0.1:1" });
    expect(await proc.exited).toBe(1);
    expectOneLine(proc.output(), `Cannot reach Postgres at 127.0.0.1:${port} (DATABASE_URL)`);
  });

  it("feed: SIMULATOR_ENABLED off, in any spelling the flag parser knows, exits 0 without touching Postgres", async () => {
    const port = await freePort();
    for (const off of ["false", "0", "no", "OFF"]) {
      const proc = spawnTs("feed", "lib/feed/main.ts", {
        DATABASE_URL: `postgresql://postgres@127.0.0.1:${port}/x`,
        REDIS_URL: "redis://127.0.0.1:1",
        SIMULATOR_ENABLED: off,
      });
      expect(await proc.exited, off).toBe(0);
      expect(proc.output()).toContain("the simulator is off");
    }
    const typo = spawnTs("feed", "lib/feed/main.ts", {
      DATABASE_URL: `postgresql://postgres@127.0.0.1:${port}/x`,
      REDIS_URL: "redis://127.0.0.1:1",
      SIMULATOR_ENABLED: "nope",
    });
    expect(await typo.exited).toBe(1);
    expect(typo.output()).toContain("SIMULATOR_ENABLED:");
  });

  it("a bad environment lists every bad variable", async () => {
    const proc = spawnTs("publisher", "lib/publisher/main.ts", { DATABASE_URL: "mysql://nope", REDIS_URL: "", PUBLISHER_INTERVAL_MS: "fast" });
    expect(await proc.exited).toBe(1);
    const out = proc.output();
    expect(out).toContain("Invalid environment:");
    expect(out).toContain("DATABASE_URL: must be a URL starting with postgres:// or postgresql://");
    expect(out).toContain("REDIS_URL:");
    expect(out).toContain("PUBLISHER_INTERVAL_MS:");
    expect(out).not.toMatch(/\n\s+at /);
  });

  it("a LOG_FORMAT or LOG_LEVEL it does not know stops the process at start, listed with the others", async () => {
    const proc = spawnTs("relay", "vps/server.ts", { REDIS_URL: "redis://127.0.0.1:1", RELAY_PORT: "http", LOG_FORMAT: "JSON", LOG_LEVEL: "loud" });
    expect(await proc.exited).toBe(1);
    const out = proc.output();
    expect(out).toContain("Invalid environment:");
    expect(out).toContain("LOG_FORMAT: must be one of pretty, json");
    expect(out).toContain("LOG_LEVEL: must be one of");
    expect(out).toContain("RELAY_PORT:");
    expect(out).not.toMatch(/\n\s+at /);
  });
});

function expectOneLine(output: string, start: string): void {
  const lines = output.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(start);
  expect(output).not.toMatch(/\n\s+at /);
}

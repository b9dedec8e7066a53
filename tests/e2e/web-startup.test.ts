import { describe, expect, it } from "vitest";
import { freePort } from "../../scripts/services/ports";
import { spawnTs } from "../support/processes";
import { startRedisServer } from "../support/services";
import { TEST_DIST_DIR } from "../support/web";

/** The web app (server.ts) with Postgres unreachable: one line naming the variable and address, exit 1. */
describe("web startup", () => {
  it("exits with one clear line when Postgres is unreachable", async () => {
    const redis = await startRedisServer();
    try {
      const dbPort = await freePort();
      const proc = spawnTs("web", "server.ts", {
        NEXT_DIST_DIR: TEST_DIST_DIR,
        PORT: String(await freePort()),
        DATABASE_URL: `postgresql://postgres@127.0.0.1:${dbPort}/x`,
        REDIS_URL: redis.url,
      });
      expect(await proc.exited).toBe(1);
      const ours = proc
        .output()
        .split("\n")
        .filter((line) => line.includes("Cannot reach"));
      expect(ours).toEqual([expect.stringContaining(`Cannot reach Postgres at 127.0.0.1:${dbPort} (DATABASE_URL)`)]);
      expect(proc.output()).not.toMatch(/\n\s+at /);
    } finally {
      await redis.stop();
    }
  });
});

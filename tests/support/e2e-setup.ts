import type { TestProject } from "vitest/node";
import { buildWebIfStale } from "../../scripts/next-build";
import { chromiumPath } from "../../scripts/services/chromium";
import { redisServerBinary } from "../../scripts/services/redis";
import { startPostgresServer } from "./services";
import { TEST_DIST_DIR } from "./web";

/** Once per run: Redis and Chromium present (apt-get as root), one Postgres, a fresh enough web build. */
export default async function setup(project: TestProject) {
  await redisServerBinary({ install: true });
  await chromiumPath({ install: true });
  await buildWebIfStale(TEST_DIST_DIR);
  const postgres = await startPostgresServer();
  project.provide("pgServerUrl", postgres.url);
  return async () => {
    await postgres.stop();
  };
}

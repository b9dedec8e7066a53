import type { TestProject } from "vitest/node";
import { redisServerBinary } from "../../scripts/services/redis";
import { startPostgresServer } from "./services";

declare module "vitest" {
  export interface ProvidedContext {
    pgServerUrl: string;
  }
}

/**
 * Once per run: make sure redis-server exists (installed with apt-get when root, as `npm start`
 * does) and start one throwaway Postgres with a migrated template database.
 */
export default async function setup(project: TestProject) {
  await redisServerBinary({ install: true });
  const postgres = await startPostgresServer();
  project.provide("pgServerUrl", postgres.url);
  return async () => {
    await postgres.stop();
  };
}

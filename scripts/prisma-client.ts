import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { run } from "./services/run";

/**
 * Prisma's client (lib/generated/prisma) made again when prisma/schema.prisma is newer than it.
 * `npm install` makes it (postinstall), but a `git pull` that changes the schema does not: the web
 * build, the apps and the tests would then meet a client without the new tables and fail. `npm
 * start` and `npm test` run this first (`prestart`, `pretest` in package.json); when nothing
 * changed it only compares two files' times.
 *
 *   npx tsx scripts/prisma-client.ts
 */

const ROOT = path.resolve(import.meta.dirname, "..");
const SCHEMA = path.join(ROOT, "prisma", "schema.prisma");
const CLIENT = path.join(ROOT, "lib", "generated", "prisma", "client.ts");

/** Runs `prisma generate` when the client is missing or older than the schema; says whether it did. */
export async function generateClientIfStale(): Promise<boolean> {
  if (existsSync(CLIENT) && statSync(CLIENT).mtimeMs >= statSync(SCHEMA).mtimeMs) return false;
  // As postinstall does: generating needs no schema engine, but Prisma asks for one to be named
  // (one named in the environment wins).
  const result = await run(process.execPath, [path.join(ROOT, "node_modules", "prisma", "build", "index.js"), "generate"], {
    cwd: ROOT,
    env: { PRISMA_SCHEMA_ENGINE_BINARY: path.join(ROOT, "scripts", "no-schema-engine.sh"), ...process.env },
  });
  if (result.code !== 0) throw new Error(`prisma generate failed (exit ${result.code}):\n${result.stderr || result.stdout}`);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  try {
    if (await generateClientIfStale()) console.log("generated Prisma's client again: prisma/schema.prisma changed since it was made");
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}

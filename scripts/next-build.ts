import { existsSync, statSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { run } from "./services/run";

const ROOT = path.resolve(import.meta.dirname, "..");
const SOURCES = ["app", "lib", "next.config.mjs", "package-lock.json", "instrumentation.ts", "tsconfig.json"];

/**
 * Runs `next build` into `distDir` when there is no build there or any web source is newer than
 * it. Returns whether it built. Throws with the build's last lines when it fails.
 */
export async function buildWebIfStale(distDir: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const buildId = path.join(ROOT, distDir, "BUILD_ID");
  const builtAt = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
  const newest = Math.max(...(await Promise.all(SOURCES.map((source) => newestMtime(path.join(ROOT, source))))));
  if (builtAt > newest) return false;
  const result = await run(process.execPath, [path.join(ROOT, "node_modules", "next", "dist", "bin", "next"), "build"], {
    cwd: ROOT,
    env: { ...env, NEXT_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
  });
  if (result.code !== 0) throw new Error(`next build failed:\n${(result.stdout + result.stderr).split("\n").slice(-30).join("\n")}`);
  return true;
}

async function newestMtime(target: string): Promise<number> {
  if (!existsSync(target)) return 0;
  const info = await stat(target);
  if (!info.isDirectory()) return info.mtimeMs;
  if (["generated", "node_modules"].includes(path.basename(target))) return 0;
  const entries = (await readdir(target)).filter((entry) => !entry.endsWith(".test.ts"));
  return Math.max(info.mtimeMs, ...(await Promise.all(entries.map((entry) => newestMtime(path.join(target, entry))))));
}

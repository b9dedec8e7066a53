import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");

export interface Proc {
  name: string;
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves when a line matching `pattern` has been printed. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
  /** SIGKILL at once (a crash, as far as everyone else can tell). */
  kill(): Promise<void>;
  exited: Promise<number | null>;
}

/** Runs a TypeScript entry point of ours in a child process, as PM2 would (node + tsx). */
export function spawnTs(name: string, entry: string, env: Record<string, string>, args: string[] = []): Proc {
  return spawnProcess(name, process.execPath, ["--import", "tsx", path.join(ROOT, entry), ...args], env);
}

export function spawnProcess(name: string, command: string, args: string[], env: Record<string, string>): Proc {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: "info", LOG_FORMAT: "json", NODE_ENV: "production", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const waiter of waiters) waiter();
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const proc: Proc = {
    name,
    child,
    exited,
    output: () => output,
    waitForOutput: (pattern, timeoutMs = 30_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(output)) {
            cleanup();
            resolve();
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${name}: no output matching ${pattern} within ${timeoutMs} ms. Output:\n${output.slice(-3000)}`));
        }, timeoutMs);
        const onExit = () => {
          cleanup();
          reject(new Error(`${name} exited before printing ${pattern}. Output:\n${output.slice(-3000)}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
          child.off("exit", onExit);
        };
        waiters.add(check);
        child.once("exit", onExit);
        check();
      }),
    stop: async (graceMs = 10_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGKILL");
      await exited;
    },
  };
  return proc;
}

/** On a failing test, print the last lines of each process's output (what it did is the evidence). */
export function logsOnFailure(onTestFailed: (fn: () => void) => void, procs: () => (Proc | undefined)[], lines = 40): void {
  onTestFailed(() => {
    for (const proc of procs()) {
      if (proc) console.log(`── ${proc.name} (last ${lines} lines) ──\n${proc.output().split("\n").slice(-lines).join("\n")}`);
    }
  });
}

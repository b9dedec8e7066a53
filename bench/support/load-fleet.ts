import { type ChildProcess, fork } from "node:child_process";
import path from "node:path";
import { LatencyHistogram } from "./latency-histogram";
import { type ClientCommand, ClientReport, type ClientStats, type Recovery, type Transport } from "./load-messages";

/**
 * The bench's side of its client processes (load-client.ts): forks them, spreads connections over
 * them, asks them all the same question and merges their answers.
 */

const CLIENT_ENTRY = path.join(import.meta.dirname, "load-client.ts");

/** Everything the processes measured since the last reset, merged. */
export interface FleetStats {
  connected: number;
  deliveries: number;
  firstAt: number;
  lastAt: number;
  replayed: number;
  latency: LatencyHistogram;
  gaps: number;
  duplicates: number;
  resyncs: number;
  merged: number;
  disconnects: number;
  reasons: Record<string, number>;
  modes: ClientStats["modes"];
  recoveries: Recovery[];
  failedResumes: number;
  firstError: string | null;
}

type Answer = Exclude<ClientReport, { type: "ready" }>;
type Request = DistributiveOmit<ClientCommand, "v" | "id">;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

class ClientProcess {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (answer: Answer) => void; reject: (error: Error) => void }>();
  readonly ready: Promise<void>;

  constructor(readonly child: ChildProcess) {
    let markReady: () => void = () => {};
    this.ready = new Promise((resolve) => (markReady = resolve));
    child.on("message", (raw) => {
      const parsed = ClientReport.safeParse(raw);
      if (!parsed.success) return void process.stderr.write(`relay-load: dropped a malformed client report: ${parsed.error.issues[0]?.message}\n`);
      if (parsed.data.type === "ready") return markReady();
      const waiter = this.pending.get(parsed.data.id);
      this.pending.delete(parsed.data.id);
      waiter?.resolve(parsed.data);
    });
    child.once("exit", (code, signal) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`client process ${child.pid} exited (${signal ?? code})`));
      this.pending.clear();
    });
  }

  /** Sends a command and resolves with its answer, or rejects after `timeoutMs`. */
  ask(command: Request, timeoutMs: number): Promise<Answer> {
    const id = this.nextId++;
    return new Promise<Answer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`client process ${this.child.pid}: no answer to ${command.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (answer) => {
          clearTimeout(timer);
          if (answer.type === "failed") reject(new Error(`client process ${this.child.pid}: ${answer.message}`));
          else resolve(answer);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.child.send({ v: 1, id, ...command } as ClientCommand);
    });
  }
}

export class ClientFleet {
  private constructor(private readonly procs: ClientProcess[]) {}

  /** Forks `count` client processes (node + tsx, as the relay runs) and waits until each is ready. */
  static async start(count: number): Promise<ClientFleet> {
    const procs = Array.from(
      { length: count },
      () => new ClientProcess(fork(CLIENT_ENTRY, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] })),
    );
    const fleet = new ClientFleet(procs);
    await Promise.race([Promise.all(procs.map((p) => p.ready)), failOnEarlyExit(procs)]);
    return fleet;
  }

  pids(): number[] {
    return this.procs.map((p) => p.child.pid ?? 0).filter((pid) => pid > 0);
  }

  /** Opens `total` connections spread evenly over the processes; resolves with how many made it. */
  async connect(options: {
    url: string;
    transport: Transport;
    total: number;
    sports: string[];
    reconnect: boolean;
    libraryDelays: boolean;
  }): Promise<{ connected: number; failed: number; firstError: string | null }> {
    const { total, ...rest } = options;
    const share = (i: number) => Math.floor(total / this.procs.length) + (i < total % this.procs.length ? 1 : 0);
    const timeoutMs = 120_000 + total * 20;
    const answers = await Promise.all(this.procs.map((p, i) => p.ask({ type: "connect", count: share(i), concurrency: 20, ...rest }, timeoutMs)));
    const sum = { connected: 0, failed: 0, firstError: null as string | null };
    for (const answer of answers) {
      if (answer.type !== "connected") continue;
      sum.connected += answer.connected;
      sum.failed += answer.failed;
      sum.firstError ??= answer.firstError;
    }
    return sum;
  }

  async reset(): Promise<void> {
    await Promise.all(this.procs.map((p) => p.ask({ type: "reset" }, 30_000)));
  }

  /** Waits until every connection holds `seqs`; resolves with how many still did not after `timeoutMs`. */
  async awaitSeqs(seqs: Record<string, number>, timeoutMs: number): Promise<number> {
    const answers = await Promise.all(this.procs.map((p) => p.ask({ type: "await-seqs", seqs, timeoutMs }, timeoutMs + 30_000)));
    return answers.reduce((sum, answer) => sum + (answer.type === "caught-up" ? answer.behind : 0), 0);
  }

  async stats(): Promise<FleetStats> {
    const answers = await Promise.all(this.procs.map((p) => p.ask({ type: "stats" }, 60_000)));
    return merge(answers.flatMap((answer) => (answer.type === "stats" ? [answer.stats] : [])));
  }

  /** Closes every connection and ends the processes (killing any that do not answer). */
  async close(): Promise<void> {
    await Promise.all(
      this.procs.map(async (p) => {
        const exited = new Promise((resolve) => (p.child.exitCode !== null || p.child.signalCode !== null ? resolve(null) : p.child.once("exit", resolve)));
        await p.ask({ type: "close" }, 10_000).catch(() => p.child.kill("SIGKILL"));
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
        p.child.kill("SIGKILL");
      }),
    );
  }

  /** Last resort on the way out: no client process outlives the bench. */
  kill(): void {
    for (const p of this.procs) p.child.kill("SIGKILL");
  }
}

function failOnEarlyExit(procs: ClientProcess[]): Promise<never> {
  return new Promise((_, reject) => {
    for (const p of procs) p.child.once("exit", (code) => reject(new Error(`a client process exited during start (code ${code})`)));
  });
}

function merge(all: ClientStats[]): FleetStats {
  const latency = new LatencyHistogram();
  const merged: FleetStats = {
    connected: 0,
    deliveries: 0,
    firstAt: 0,
    lastAt: 0,
    replayed: 0,
    latency,
    gaps: 0,
    duplicates: 0,
    resyncs: 0,
    merged: 0,
    disconnects: 0,
    reasons: {},
    modes: { snapshot: 0, replay: 0, current: 0 },
    recoveries: [],
    failedResumes: 0,
    firstError: null,
  };
  for (const s of all) {
    latency.add(s.latency);
    for (const key of ["connected", "deliveries", "replayed", "gaps", "duplicates", "resyncs", "merged", "disconnects", "failedResumes"] as const)
      merged[key] += s[key];
    for (const mode of ["snapshot", "replay", "current"] as const) merged.modes[mode] += s.modes[mode];
    for (const [reason, count] of Object.entries(s.reasons)) merged.reasons[reason] = (merged.reasons[reason] ?? 0) + count;
    if (s.firstAt > 0) merged.firstAt = merged.firstAt === 0 ? s.firstAt : Math.min(merged.firstAt, s.firstAt);
    merged.lastAt = Math.max(merged.lastAt, s.lastAt);
    merged.recoveries.push(...s.recoveries);
    merged.firstError ??= s.firstError;
  }
  return merged;
}

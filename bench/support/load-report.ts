import { percentile, table } from "../stats";
import type { FleetStats } from "./load-fleet";
import type { RunResult } from "./synthetic-publisher";

/** What bench/relay-load.ts measured, and the tables it prints from it. */

export interface CpuShare {
  /** % of one core (in a step: while publishing). */
  server: number;
  clients: number;
  redis: number;
  /** This process: the synthetic publisher and the bench's bookkeeping. */
  bench: number;
  /** Everything else on the machine (other people's work), % of one core. */
  others: number;
}

export interface StepResult {
  rate: number;
  run: RunResult;
  stats: FleetStats;
  /** Connections that did not hold the last seq of every sport once draining timed out. */
  behind: number;
  /** Deliveries per second the publisher's rate asked for, and what the clients received. */
  offered: number;
  delivered: number;
  /** Deliveries that never came, neither alone nor inside a merged delta. */
  missing: number;
  /** Last delivery − last commit, ms: how long the server took to empty its backlog once publishing stopped. */
  drainMs: number;
  keptUp: boolean;
  cpu: CpuShare;
  /** The server's CPU time per delivered message, µs, up to the last delivery (NaN when some never came). */
  cpuMicrosPerMessage: number;
  /** Server RSS, bytes: the highest sampled during the step (garbage included), and after it once garbage was collected. */
  rssPeak: number;
  rssAfter: number;
}

export interface StormResult {
  killAt: number;
  listeningAt: number;
  /** From the new relay listening until every client resumed (or the wait ended). */
  cpu: CpuShare;
  /** Connections the kernel turned away with a full accept queue, from the kill until every client resumed. */
  listenOverflows: number;
  run: RunResult;
  stats: FleetStats;
  behind: number;
}

export interface ServerResult {
  server: string;
  clients: number;
  failed: number;
  firstError: string | null;
  /** Server RSS after a full GC, bytes: before any client, with the first half of them, with all. */
  rss: { before: number; half: { clients: number; rss: number }; connected: number };
  steps: StepResult[];
  storm?: StormResult;
}

const MB = 1024 * 1024;
const kbPerConnection = (bytes: number, clients: number) => bytes / 1024 / Math.max(1, clients);

export function stepsTable(results: ServerResult[]): string {
  const rows = results.flatMap((r) =>
    r.steps.map((s) => [
      r.server,
      r.clients,
      s.rate,
      s.offered,
      s.delivered,
      s.stats.latency.percentile(50),
      s.stats.latency.percentile(99),
      s.stats.latency.max,
      s.drainMs,
      s.cpu.server,
      s.cpuMicrosPerMessage,
      s.cpu.clients,
      s.cpu.redis,
      s.cpu.bench,
      Math.max(0, s.cpu.others),
      s.missing,
      s.stats.merged,
      s.stats.disconnects,
      s.behind,
      s.stats.gaps + s.stats.duplicates,
      s.keptUp ? "yes" : "no",
    ]),
  );
  return table(
    [
      "server",
      "clients",
      "deltas/s",
      "offered msg/s",
      "delivered msg/s",
      "p50 ms",
      "p99 ms",
      "max ms",
      "drain ms",
      "server CPU %",
      "server CPU µs / msg",
      "clients CPU %",
      "redis CPU %",
      "bench CPU %",
      "others CPU %",
      "missing",
      "merged",
      "dropped conns",
      "behind",
      "gaps+dups",
      "kept up",
    ],
    rows,
  );
}

export function memoryTable(results: ServerResult[]): string {
  return table(
    [
      "server",
      "clients",
      "RSS before MB",
      "RSS half MB",
      "RSS all MB",
      "RSS peak, steady step MB",
      "RSS after it, GC'd MB",
      "RSS peak, any step MB",
      "KB / conn idle",
      "KB / conn, 2nd half",
      "KB / conn after steady load, GC'd",
      "KB / conn, steady load peak",
    ],
    results.map((r) => {
      const steady = steadyPeak(r);
      const after = r.steps[0]?.rssAfter ?? Number.NaN;
      const held = r.steps[0] ? heldPerConnection(r, r.steps[0]) : Number.NaN;
      const marginal = kbPerConnection(r.rss.connected - r.rss.half.rss, r.clients - r.rss.half.clients);
      const any = Math.max(steady, ...r.steps.map((s) => s.rssPeak));
      const per = (bytes: number) => kbPerConnection(bytes - r.rss.before, r.clients);
      return [
        r.server,
        r.clients,
        r.rss.before / MB,
        r.rss.half.rss / MB,
        r.rss.connected / MB,
        steady / MB,
        after / MB,
        any / MB,
        per(r.rss.connected),
        marginal,
        held,
        per(steady),
      ];
    }),
  );
}

/** KB a connection holds after the step, once garbage is collected; unknown when the server dropped connections in it. */
function heldPerConnection(r: ServerResult, step: StepResult): number {
  return step.stats.disconnects > 0 ? Number.NaN : kbPerConnection(step.rssAfter - r.rss.before, r.clients);
}

/** Peak RSS while connected and under the steady rate, bytes. A step that fell behind holds its backlog in memory, which is not a per-connection cost. */
function steadyPeak(r: ServerResult): number {
  return Math.max(r.rss.connected, r.steps[0]?.rssPeak ?? 0);
}

export function stormTable(result: ServerResult): string {
  const storm = result.storm;
  if (!storm) return "";
  const { stats, killAt } = storm;
  const since = (pick: (r: FleetStats["recoveries"][number]) => number | null) =>
    stats.recoveries
      .map(pick)
      .filter((at): at is number => at !== null)
      .map((at) => at - killAt);
  const row = (what: string, values: number[]) => [
    what,
    values.length,
    percentile(values, 50),
    percentile(values, 99),
    values.length ? Math.max(...values) : Number.NaN,
  ];
  const summary = table(
    [
      "clients",
      "relay down (kill → listening) ms",
      "back",
      "not back",
      "behind at end",
      "gaps",
      "duplicates",
      "resume: replay / current / snapshot",
      "deltas replayed",
      "failed resumes",
      "SYNs dropped (accept queue full)",
      "CPU % while coming back: relay / clients / others",
    ],
    [
      [
        result.clients,
        storm.listeningAt - killAt,
        backCount(storm),
        result.clients - backCount(storm),
        storm.behind,
        stats.gaps,
        stats.duplicates,
        `${stats.modes.replay} / ${stats.modes.current} / ${stats.modes.snapshot}`,
        stats.replayed,
        stats.failedResumes,
        storm.listenOverflows,
        `${storm.cpu.server.toFixed(0)} / ${storm.cpu.clients.toFixed(0)} / ${Math.max(0, storm.cpu.others).toFixed(0)}`,
      ],
    ],
  );
  const times = table(
    ["from kill -9 to", "clients", "p50 ms", "p99 ms", "max ms"],
    [
      row(
        "reconnected (socket connected)",
        since((r) => r.reconnectedAt),
      ),
      row(
        "resumed (resubscribe acknowledged, missed deltas applied)",
        since((r) => r.resumedAt),
      ),
      row(
        "first live delta continuing the chain (if one came before publishing stopped)",
        since((r) => r.firstLiveAt),
      ),
    ],
  );
  return `${summary}\n\n${times}`;
}

export function backCount(storm: StormResult): number {
  return storm.stats.recoveries.filter((r) => r.resumedAt !== null).length;
}

/** The targets of docs/targets.md, each with what was measured and whether it holds. */
export function targetsTable(relay: ServerResult, baseline: ServerResult | undefined): string {
  const first = (r: ServerResult) => r.steps[0];
  const p99 = (r: ServerResult | undefined) => (r && first(r) ? first(r)!.stats.latency.percentile(99) : Number.NaN);
  const best = (r: ServerResult | undefined) => (r ? Math.max(...r.steps.map((s) => s.delivered)) : Number.NaN);
  const perConn = (r: ServerResult | undefined) => (r ? kbPerConnection(steadyPeak(r) - r.rss.before, r.clients) : Number.NaN);
  const verdict = (ok: boolean) => (ok ? "met" : "NOT met");
  const rate = first(relay)?.rate ?? 0;
  const rows: (string | number)[][] = [
    [`delivery p99 at ${relay.clients} clients, ${rate} deltas/s, ms`, p99(relay), p99(baseline), "< 50", verdict(p99(relay) < 50)],
  ];
  if (!relay.storm) {
    rows.push(["throughput: best delivered msg/s over the steps", best(relay), best(baseline), "≥ 100,000", verdict(best(relay) >= 100_000)]);
    rows.push([
      "  relay ÷ bare ws",
      baseline ? best(relay) / best(baseline) : Number.NaN,
      baseline ? 1 : Number.NaN,
      "≥ 0.5",
      baseline ? verdict(best(relay) / best(baseline) >= 0.5) : "not compared",
    ]);
    const micros = (r: ServerResult | undefined) => r?.steps[0]?.cpuMicrosPerMessage ?? Number.NaN;
    rows.push(["  server CPU per delivered message at the steady rate, µs", micros(relay), micros(baseline), "—", "(context)"]);
  }
  const retained = (r: ServerResult | undefined) => (r?.steps[0] ? heldPerConnection(r, r.steps[0]) : Number.NaN);
  rows.push([
    "memory per connection held: (RSS after the steady step, GC'd − before) ÷ clients, KB",
    retained(relay),
    retained(baseline),
    "< 30",
    verdict(retained(relay) < 30),
  ]);
  rows.push([
    "memory per connection at peak: (peak RSS at the steady rate − before) ÷ clients, KB",
    perConn(relay),
    perConn(baseline),
    "< 30",
    verdict(perConn(relay) < 30),
  ]);
  if (relay.storm) rows.push(stormTarget(relay));
  return table(["target", "relay", "bare ws", "goal", "verdict"], rows);
}

function stormTarget(relay: ServerResult): (string | number)[] {
  const storm = relay.storm!;
  const resumed = storm.stats.recoveries.flatMap((r) => (r.resumedAt === null ? [] : [r.resumedAt - storm.killAt]));
  const p99 = percentile(resumed, 99);
  const ok = backCount(storm) === relay.clients && storm.behind === 0 && storm.stats.gaps === 0 && storm.stats.duplicates === 0 && p99 < 5_000;
  return [`kill -9 under load: p99 kill → resumed, ms (all back, zero gaps)`, p99, "—", "< 5,000, all back, 0 gaps", ok ? "met" : "NOT met"];
}

/** One line per step while the bench runs, so a long run shows progress. */
export function stepLine(server: string, s: StepResult): string {
  return `  ${server}: ${s.rate} deltas/s → ${Math.round(s.delivered)} msg/s delivered (offered ${Math.round(s.offered)}), p99 ${s.stats.latency.percentile(99)} ms, drain ${s.drainMs} ms, server CPU ${s.cpu.server.toFixed(0)} %${s.keptUp ? "" : " — fell behind"}`;
}

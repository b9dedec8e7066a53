import { env, relayUrl } from "@/lib/env";
import { errorMessage } from "@/lib/errors";
import { type AdminOverview, RelayHealthBody, type SourceState } from "@/lib/protocol/admin-overview";
import { type SourceReport, readSourceReport } from "@/lib/protocol";
import { publisherStatus } from "./publisher";
import { services } from "./services";

/**
 * How long the relay's /health may take, ms. The relay itself waits up to 1 s for its peers'
 * answers (vps/relay.ts), so a healthy cluster with one silent instance still answers within this.
 */
const RELAY_TIMEOUT_MS = 1_500;
/** Publisher status reads Postgres and Redis, each bounded already; this only keeps a stuck read from holding the page, ms. */
const PUBLISHER_TIMEOUT_MS = 2_000;

/** Everything the admin console shows beside its live feed, each part read on its own. */
export async function readOverview(): Promise<AdminOverview> {
  const [publisher, relay, report] = await Promise.all([
    readPublisher(),
    readRelay(relayUrl(env())),
    within(readSourceReport(services().redis), PUBLISHER_TIMEOUT_MS, "the odds source's report").catch(() => null),
  ]);
  return { ts: Date.now(), publisher, relay, sources: sources(report) };
}

async function readPublisher(): Promise<AdminOverview["publisher"]> {
  try {
    return { ok: true, status: await within(publisherStatus(), PUBLISHER_TIMEOUT_MS, "the publisher's status") };
  } catch (error) {
    return { ok: false, error: `cannot read the publisher's status (${errorMessage(error)})` };
  }
}

/**
 * The relay's /health: its own instance and, under `cluster`, every instance. It answers 503
 * with the same body while degraded, which is still worth showing. Unreachable or slower than
 * RELAY_TIMEOUT_MS: says so, never waits longer.
 */
export async function readRelay(url: string, timeoutMs = RELAY_TIMEOUT_MS): Promise<AdminOverview["relay"]> {
  let body: unknown;
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(timeoutMs), cache: "no-store" });
    body = await response.json();
  } catch (error) {
    const timedOut = error instanceof Error && error.name === "TimeoutError";
    return { ok: false, url, error: timedOut ? `no answer within ${timeoutMs} ms` : "unreachable" };
  }
  const health = RelayHealthBody.safeParse(body);
  return health.success ? { ok: true, url, health: health.data } : { ok: false, url, error: "answered something that is not its health report" };
}

/**
 * The odds sources: the built-in simulator, which reports no credits, breaker or freshness of its
 * own (those stay null rather than made up), and The Odds API poller, from its report in Redis.
 */
function sources(report: SourceReport | null): SourceState[] {
  const config = env();
  const simulator: SourceState = {
    id: "simulator",
    name: "Simulator",
    kind: "simulator",
    enabled: config.ODDS_SOURCE === "simulator" && config.SIMULATOR_ENABLED,
    detail: `${config.SIMULATOR_PRICE_UPDATES_PER_SEC} price updates/s, ${config.SIMULATOR_BETS_PER_SEC} bets/s (as configured)`,
    quota: null,
    breaker: null,
    lastDataAt: null,
  };
  if (config.ODDS_SOURCE !== "the-odds-api") return [simulator];
  const open = report ? Object.entries(report.breakers).find(([, state]) => state !== "closed") : undefined;
  const oddsApi: SourceState = {
    id: "the-odds-api",
    name: "The Odds API",
    kind: "odds_api",
    enabled: true,
    detail: report ? `${report.state}${report.reason ? `: ${report.reason}` : ""}` : "no report from the poller (is the feed process running?)",
    quota: report?.usage ? { used: report.usage.used, remaining: report.usage.remaining, at: report.usage.at } : null,
    breaker: report
      ? {
          state: open ? (open[1] as "open" | "half_open") : "closed",
          since: open ? report.since : null,
          reason: open ? `${open[0]}: ${report.reason ?? ""}` : null,
        }
      : null,
    lastDataAt: report?.lastSuccessAt ?? null,
  };
  return [oddsApi, simulator];
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

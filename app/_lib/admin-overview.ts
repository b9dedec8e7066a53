import { env, relayUrl } from "../../lib/env";
import { errorMessage } from "../../lib/errors";
import { type AdminOverview, RelayHealthBody, type SourceState } from "../../lib/protocol/admin-overview";
import { publisherStatus } from "./publisher";

/**
 * How long the relay's /health may take, ms. The relay itself waits up to 1 s for its peers'
 * answers (vps/relay.ts), so a healthy cluster with one silent instance still answers within this.
 */
const RELAY_TIMEOUT_MS = 1_500;
/** Publisher status reads Postgres and Redis, each bounded already; this only keeps a stuck read from holding the page, ms. */
const PUBLISHER_TIMEOUT_MS = 2_000;

/** Everything the admin console shows beside its live feed, each part read on its own. */
export async function readOverview(): Promise<AdminOverview> {
  const [publisher, relay] = await Promise.all([readPublisher(), readRelay(relayUrl(env()))]);
  return { ts: Date.now(), publisher, relay, sources: sources() };
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
 * The odds sources. Only the built-in simulator exists today; it reports no credits, breaker or
 * freshness of its own, so those stay null rather than made up.
 */
function sources(): SourceState[] {
  const config = env();
  return [
    {
      id: "simulator",
      name: "Simulator",
      kind: "simulator",
      enabled: config.SIMULATOR_ENABLED,
      detail: `${config.SIMULATOR_PRICE_UPDATES_PER_SEC} price updates/s, ${config.SIMULATOR_BETS_PER_SEC} bets/s (as configured)`,
      quota: null,
      breaker: null,
      lastDataAt: null,
    },
  ];
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

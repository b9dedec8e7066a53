import { isBrokenCircuitError, isIsolatedCircuitError } from "cockatiel";
import type { z } from "zod";
import type { Logger } from "../../log";
import { type Answer, type BreakerState, type Endpoint, type OddsApi, OddsApiError, type OddsApiEvents } from "./api";
import { parseRetryAfter, parseUsage } from "./headers";
import { DEFAULT_BREAKER, DEFAULT_RETRY, type BreakerOptions, type EndpointPolicy, type RetryOptions, createEndpointPolicy } from "./policies";
import { RateLimit } from "./rate-limit";
import { redactSecret, redactUrl } from "./redaction";
import { ApiErrorBody, ApiEvents, ApiOdds, ApiScores, ApiSports, type Usage } from "./schemas";

export interface OddsApiClientOptions {
  /** e.g. https://api.the-odds-api.com (no /v4). */
  baseUrl: string;
  apiKey: string;
  /** Bookmaker regions, e.g. ["us", "uk", "eu"]: each one multiplies the cost of an odds call. */
  regions: string[];
  /** e.g. ["h2h", "spreads", "totals"]: each one multiplies the cost of an odds call. */
  markets: string[];
  /** Per attempt, body included, ms. */
  timeoutMs?: number;
  events?: OddsApiEvents;
  log: Logger;
  retry?: RetryOptions;
  breaker?: BreakerOptions;
  /** The clock for 429 waits, ms since epoch (the breakers' half-open timer is cockatiel's own Date.now). */
  now?: () => number;
}

const ENDPOINTS: readonly Endpoint[] = ["sports", "odds", "scores", "events"];
/** A malformed body is logged at most this often per endpoint, ms: the counter goes to events.malformed. */
const MALFORMED_LOG_EVERY_MS = 60_000;

/**
 * The Odds API v4 over fetch, with the policies of docs/odds-source.md: retries for 5xx and
 * timeouts, a breaker per endpoint, a stop on 401, a wait on 429, zod on every body.
 */
export function createOddsApiClient(options: OddsApiClientOptions): OddsApi {
  const now = options.now ?? Date.now;
  const events = options.events ?? {};
  const log = options.log;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const rateLimit = new RateLimit({ now, initialDelayMs: 1_000, maxDelayMs: 60_000 });
  const malformedLoggedAt = new Map<Endpoint, number>();
  let stopped: { code: string; message: string } | null = null;

  /** Owner callbacks must not break a call: what they throw is logged and dropped. */
  function notify<A extends unknown[]>(name: keyof OddsApiEvents, fn: ((...args: A) => void) | undefined, ...args: A) {
    try {
      fn?.(...args);
    } catch (error) {
      log.error({ err: redactSecret(String(error), options.apiKey), event: name }, "odds api event handler threw");
    }
  }

  const policies = Object.fromEntries(
    ENDPOINTS.map((endpoint) => [
      endpoint,
      createEndpointPolicy(
        options.retry ?? DEFAULT_RETRY,
        options.breaker ?? DEFAULT_BREAKER,
        (state: BreakerState) => {
          log.warn({ endpoint, state }, "odds api breaker");
          notify("breaker", events.breaker, endpoint, state);
        },
        (attempt, delayMs, error) => log.info({ endpoint, attempt, delayMs: Math.round(delayMs), err: describe(error) }, "odds api retry"),
      ),
    ]),
  ) as Record<Endpoint, EndpointPolicy>;

  const describe = (error: unknown) => redactSecret(error instanceof Error ? error.message : String(error), options.apiKey);

  function url(path: string, params: Record<string, string>): string {
    const query = new URLSearchParams({ apiKey: options.apiKey, ...params });
    return `${baseUrl}/v4/${path}?${query}`;
  }

  /** One HTTP attempt: an Answer, or an OddsApiError of the kind the policies act on. */
  async function attempt<S extends z.ZodType>(endpoint: Endpoint, target: string, schema: S): Promise<Answer<z.infer<S>>> {
    const signal = AbortSignal.timeout(timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetch(target, { signal, headers: { accept: "application/json" } });
      text = await response.text();
    } catch (error) {
      if (signal.aborted) throw new OddsApiError("timeout", endpoint, `${endpoint}: no answer within ${timeoutMs} ms`);
      throw new OddsApiError("upstream", endpoint, `${endpoint}: request failed: ${describe(error)}`);
    }
    const usage = parseUsage(response.headers);
    if (usage) notify("usage", events.usage, usage, endpoint);
    if (response.status !== 429) rateLimit.answered();
    if (!response.ok) throw failure(endpoint, response, text, usage);
    return { data: parseBody(endpoint, text, schema, usage), usage };
  }

  function parseBody<S extends z.ZodType>(endpoint: Endpoint, text: string, schema: S, usage: Usage | null): z.infer<S> {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw malformed(endpoint, `not JSON (${text.length} bytes)`, usage);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw malformed(endpoint, summarise(parsed.error), usage);
    return parsed.data;
  }

  function malformed(endpoint: Endpoint, problem: string, usage: Usage | null): OddsApiError {
    notify("malformed", events.malformed, endpoint, problem);
    const last = malformedLoggedAt.get(endpoint);
    if (last === undefined || now() - last >= MALFORMED_LOG_EVERY_MS) {
      malformedLoggedAt.set(endpoint, now());
      log.warn({ endpoint, problem }, "odds api answer malformed, dropped (logged once a minute per endpoint)");
    }
    return new OddsApiError("malformed", endpoint, `${endpoint}: malformed answer: ${problem}`, { usage });
  }

  /** The OddsApiError for a non-2xx answer; a 401 stops the client, a 429 blocks it. */
  function failure(endpoint: Endpoint, response: Response, text: string, usage: Usage | null): OddsApiError {
    const body = errorBody(text);
    const status = response.status;
    const code = body.error_code ?? `HTTP_${status}`;
    const message = redactSecret(body.message ?? response.statusText, options.apiKey).slice(0, 300);
    const details = { status, code, usage };
    if (status === 401) {
      if (!stopped) {
        stopped = { code, message };
        log.error({ endpoint, code, message }, "odds api refused the key: polling stopped until the key or plan is fixed and the feed restarted");
        notify("stopped", events.stopped, code, message);
      }
      return new OddsApiError("unauthorized", endpoint, `${endpoint}: 401 ${code}: ${message}`, details);
    }
    if (status === 429) {
      const retryAfterMs = rateLimit.limited(parseRetryAfter(response.headers.get("retry-after"), now()));
      log.warn({ endpoint, code, retryAfterMs }, "odds api rate limit: waiting");
      return new OddsApiError("rate_limited", endpoint, `${endpoint}: 429 ${code}: ${message}`, { ...details, retryAfterMs });
    }
    if (status >= 500) return new OddsApiError("upstream", endpoint, `${endpoint}: ${status} ${code}: ${message}`, details);
    return new OddsApiError("bad_request", endpoint, `${endpoint}: ${status} ${code}: ${message}`, details);
  }

  /** Runs one call through the gates (stop, 429 wait) and the endpoint's policy. */
  async function call<S extends z.ZodType>(endpoint: Endpoint, path: string, params: Record<string, string>, schema: S): Promise<Answer<z.infer<S>>> {
    if (stopped) throw new OddsApiError("blocked", endpoint, `${endpoint}: stopped after 401 ${stopped.code}`, { code: stopped.code });
    const until = rateLimit.blockedUntil();
    if (until > 0) {
      throw new OddsApiError("blocked", endpoint, `${endpoint}: rate limited for another ${until - now()} ms`, {
        retryAfterMs: until - now(),
      });
    }
    const target = url(path, params);
    try {
      return await policies[endpoint].policy.execute(() => attempt(endpoint, target, schema));
    } catch (error) {
      if (isBrokenCircuitError(error) || isIsolatedCircuitError(error)) {
        throw new OddsApiError("breaker_open", endpoint, `${endpoint}: breaker open, no call made`);
      }
      if (error instanceof OddsApiError) {
        if (error.kind === "upstream" || error.kind === "timeout") {
          log.warn({ endpoint, url: redactUrl(target), err: error.message }, "odds api call failed after retries");
        }
        throw error;
      }
      throw new OddsApiError("upstream", endpoint, `${endpoint}: ${describe(error)}`);
    }
  }

  return {
    sports: () => call("sports", "sports", {}, ApiSports),
    odds: (sport) =>
      call(
        "odds",
        `sports/${encodeURIComponent(sport)}/odds`,
        {
          regions: options.regions.join(","),
          markets: options.markets.join(","),
          oddsFormat: "decimal",
          dateFormat: "iso",
        },
        ApiOdds,
      ),
    scores: (sport, daysFrom) => {
      if (daysFrom !== undefined && !(Number.isInteger(daysFrom) && daysFrom >= 1 && daysFrom <= 3)) {
        return Promise.reject(new OddsApiError("bad_request", "scores", `scores: daysFrom must be 1, 2 or 3, not ${daysFrom}`));
      }
      const params: Record<string, string> = { dateFormat: "iso" };
      if (daysFrom !== undefined) params.daysFrom = String(daysFrom);
      return call("scores", `sports/${encodeURIComponent(sport)}/scores`, params, ApiScores);
    },
    events: (sport) => call("events", `sports/${encodeURIComponent(sport)}/events`, { dateFormat: "iso" }, ApiEvents),
    breakers: () => Object.fromEntries(ENDPOINTS.map((e) => [e, policies[e].state()])) as Record<Endpoint, BreakerState>,
    blockedUntil: () => rateLimit.blockedUntil(),
    stopped: () => (stopped ? { ...stopped } : null),
  };
}

function errorBody(text: string): ApiErrorBody {
  try {
    const parsed = ApiErrorBody.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/** The first few schema problems, e.g. `0.bookmakers.1.last_update: Invalid ISO datetime`. */
function summarise(error: z.ZodError): string {
  const first = error.issues.slice(0, 3).map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
  const more = error.issues.length > 3 ? ` (+${error.issues.length - 3} more)` : "";
  return `${first.join("; ")}${more}`;
}

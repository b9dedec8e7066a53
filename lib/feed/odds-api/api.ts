import type { ApiEvent, ApiOddsEvent, ApiScoreEvent, ApiSport, Usage } from "./schemas";

/**
 * The Odds API v4 as the poller sees it (client.ts implements it over HTTP with retry and
 * circuit-breaker policies). Every method validates the answer; every failure is an OddsApiError.
 */

export type Endpoint = "sports" | "odds" | "scores" | "events";
export type BreakerState = "closed" | "open" | "half_open";

export interface Answer<T> {
  data: T;
  /** The usage headers of the answer (null when the answer had none, e.g. the free endpoints of some plans). */
  usage: Usage | null;
}

export type OddsApiErrorKind =
  /** 429 EXCEEDED_FREQ_LIMIT: wait `retryAfterMs`, then back off with jitter. */
  | "rate_limited"
  /** 401 INVALID_KEY / MISSING_KEY / DEACTIVATED_KEY / OUT_OF_USAGE_CREDITS: stop polling. */
  | "unauthorized"
  /** 5xx after the retries. */
  | "upstream"
  /** No answer in time, after the retries. */
  | "timeout"
  /** The body did not match the schema (or was not JSON): nothing of it was used. */
  | "malformed"
  /** The endpoint's breaker is open: no call was made. */
  | "breaker_open"
  /** A 429 wait (or a stop after a 401) is in force: no call was made. */
  | "blocked"
  /** 4xx other than 401/429, e.g. an unknown sport (404 UNKNOWN_SPORT) or a bad parameter (422). */
  | "bad_request";

export class OddsApiError extends Error {
  override name = "OddsApiError";
  constructor(
    readonly kind: OddsApiErrorKind,
    readonly endpoint: Endpoint,
    message: string,
    readonly details: { status?: number; code?: string; retryAfterMs?: number; usage?: Usage | null } = {},
  ) {
    super(message);
  }
}

/** What the client tells its owner as it happens (metrics, admin events, the status report). */
export interface OddsApiEvents {
  usage?: (usage: Usage, endpoint: Endpoint) => void;
  breaker?: (endpoint: Endpoint, state: BreakerState) => void;
  malformed?: (endpoint: Endpoint, problem: string) => void;
  /** A 401: polling is over until someone fixes the key or the plan. */
  stopped?: (code: string, message: string) => void;
}

export interface OddsApi {
  sports(): Promise<Answer<ApiSport[]>>;
  /** Odds of every upcoming and live event of the sport, in the configured regions and markets. */
  odds(sport: string): Promise<Answer<ApiOddsEvent[]>>;
  /** Live scores and completion; with `daysFrom` (1–3) also events completed that many days back. */
  scores(sport: string, daysFrom?: number): Promise<Answer<ApiScoreEvent[]>>;
  /** The fixture list, free of charge. */
  events(sport: string): Promise<Answer<ApiEvent[]>>;
  breakers(): Record<Endpoint, BreakerState>;
  /** Until when (ms since epoch) a 429 told us to wait; 0 when no wait is in force. */
  blockedUntil(): number;
  /** Why polling stopped (after a 401), or null. */
  stopped(): { code: string; message: string } | null;
}

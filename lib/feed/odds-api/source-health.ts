import type { SourceHealth as HealthState } from "../../protocol";
import { type Endpoint, OddsApiError } from "./api";

/**
 * Whether the odds source is delivering: `ok` after a successful call, `stale` while calls fail
 * (errors, timeouts, an open breaker, a 429 wait, malformed answers), `stopped` after a 401 (bad
 * key, no credits left), which only a restart with a fixed key or plan ends. Not polling because
 * the budget says so is not a failure: rare polls are a plan, not an outage.
 */
export class SourceHealth {
  state: HealthState = "stale";
  reason: string | null = "starting: no answer from The Odds API yet";
  since: number;
  lastSuccessAt: number | null = null;

  constructor(now: number) {
    this.since = now;
  }

  succeeded(now: number): void {
    this.lastSuccessAt = now;
    this.set("ok", null, now);
  }

  failed(error: unknown, now: number): void {
    if (this.state === "stopped") return;
    if (error instanceof OddsApiError && error.kind === "unauthorized") {
      this.set("stopped", `${error.details.code ?? "unauthorized"}: ${error.message}`, now);
      return;
    }
    if (error instanceof OddsApiError && error.kind === "bad_request") return; // our request, not the source
    this.set("stale", describeFailure(error), now);
  }

  private set(state: HealthState, reason: string | null, now: number): void {
    if (this.state === state && this.reason === reason) return;
    if (this.state !== state) this.since = now;
    this.state = state;
    this.reason = reason;
  }
}

const WHAT: Record<Endpoint, string> = { sports: "the sports list", odds: "odds", scores: "scores", events: "the fixture list" };

/** One line for the feed status every client sees: what is wrong, never a key or a URL. */
export function describeFailure(error: unknown): string {
  if (!(error instanceof OddsApiError)) return "The Odds API cannot be read right now";
  const what = WHAT[error.endpoint];
  switch (error.kind) {
    case "rate_limited":
    case "blocked":
      return `The Odds API asked us to slow down (${what})`;
    case "upstream":
      return `The Odds API answers ${what} with server errors`;
    case "timeout":
      return `The Odds API does not answer ${what} in time`;
    case "breaker_open":
      return `calls for ${what} are paused after repeated failures (circuit open)`;
    case "malformed":
      return `The Odds API sent a malformed answer for ${what}`;
    default:
      return `The Odds API refused ${what}`;
  }
}

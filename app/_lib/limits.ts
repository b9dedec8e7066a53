import { type LimitedAction, countersOf, refusalMessage } from "@/lib/limits";
import { retryAfterSeconds } from "@/lib/rate-limit";
import { apiError, clientAddress, unavailable } from "./http";
import { services } from "./services";

/**
 * Counts one attempt at `action` against its account's window (when it has one) and its client
 * address's. Returns the answer to send instead of doing the work: 429 `rate_limited` with
 * `Retry-After` over a limit, 503 when Redis cannot count (every limit fails closed: the routes
 * behind them need Redis anyway, and sign-up would otherwise be unlimited). Null: go ahead.
 */
export async function limit(request: Request, action: LimitedAction, accountId?: string): Promise<Response | null> {
  const { limiter, limits } = services();
  try {
    const turn = await limiter.take(countersOf(action, limits[action], { accountId, address: clientAddress(request) }));
    return turn.retryAfterMs > 0 ? rateLimited(action, turn.retryAfterMs) : null;
  } catch (error) {
    return unavailable(error, "Redis", "nothing was done; try again shortly");
  }
}

/** The 429 of a limited action refused for `retryAfterMs` (for routes that count it themselves, as chat does). */
export function rateLimited(action: LimitedAction, retryAfterMs: number): Response {
  return tooMany(refusalMessage(action, retryAfterSeconds(retryAfterMs)), retryAfterMs);
}

/** 429 `rate_limited` with `Retry-After` (whole seconds) and `retryAfterMs` in the body. */
export function tooMany(message: string, retryAfterMs: number): Response {
  return apiError(429, "rate_limited", message, { "retry-after": String(retryAfterSeconds(retryAfterMs)) }, { retryAfterMs });
}

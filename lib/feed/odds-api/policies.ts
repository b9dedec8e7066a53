import { CircuitState, ConsecutiveBreaker, ExponentialBackoff, circuitBreaker, handleWhen, retry, wrap, type IPolicy } from "cockatiel";
import { type BreakerState, OddsApiError } from "./api";

/**
 * The cockatiel policies around each endpoint: a circuit breaker outside a retry, so one call
 * that exhausts its retries is one failure to the breaker, and an open breaker stops a call
 * before its first attempt.
 */

export interface RetryOptions {
  /** Attempts per call, the first included (1 = no retry). */
  maxAttempts: number;
  /** Scale of the first retry's delay, ms (decorrelated jitter: the actual delay is random). */
  initialDelayMs: number;
  maxDelayMs: number;
}

export interface BreakerOptions {
  /** Calls in a row that must fail (after their retries) to open the breaker. */
  consecutiveFailures: number;
  /** How long an open breaker refuses calls before letting one test call through, ms. */
  halfOpenAfterMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 3, initialDelayMs: 500, maxDelayMs: 5_000 };
export const DEFAULT_BREAKER: BreakerOptions = { consecutiveFailures: 5, halfOpenAfterMs: 30_000 };

const isKind =
  (...kinds: OddsApiError["kind"][]) =>
  (error: Error) =>
    error instanceof OddsApiError && kinds.includes(error.kind);

/** Worth another try: the provider or the network hiccuped. A 4xx or a bad body will not change. */
const retryable = isKind("upstream", "timeout");
/** Counts against the breaker: the provider is unwell. 4xx and 429 are about us, not it. */
const breaking = isKind("upstream", "timeout", "malformed");

export interface EndpointPolicy {
  policy: IPolicy;
  state(): BreakerState;
}

export function breakerState(state: CircuitState): BreakerState {
  if (state === CircuitState.Closed) return "closed";
  if (state === CircuitState.HalfOpen) return "half_open";
  return "open"; // Open, or Isolated (held open by hand)
}

/**
 * One endpoint's policy; `onBreaker` hears every state change of its breaker.
 * @param onRetry told before each retry, with its delay in ms.
 */
export function createEndpointPolicy(
  retryOptions: RetryOptions,
  breakerOptions: BreakerOptions,
  onBreaker: (state: BreakerState) => void,
  onRetry: (attempt: number, delayMs: number, error: unknown) => void,
): EndpointPolicy {
  const retries = retry(handleWhen(retryable), {
    // cockatiel counts retries, we count attempts.
    maxAttempts: Math.max(0, retryOptions.maxAttempts - 1),
    backoff: new ExponentialBackoff({ initialDelay: retryOptions.initialDelayMs, maxDelay: retryOptions.maxDelayMs }),
  });
  retries.onRetry((event) => onRetry(event.attempt, event.delay, "error" in event ? event.error : undefined));
  const breaker = circuitBreaker(handleWhen(breaking), {
    halfOpenAfter: breakerOptions.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(breakerOptions.consecutiveFailures),
  });
  breaker.onStateChange((state) => onBreaker(breakerState(state)));
  return { policy: wrap(breaker, retries), state: () => breakerState(breaker.state) };
}

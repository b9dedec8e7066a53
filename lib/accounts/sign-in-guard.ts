import type { Redis } from "ioredis";
import { type Counter, type RateLimiter, type Turn, type Window, digest } from "../rate-limit";

/**
 * Limits on failed sign-ins (docs/bets.md "Failed sign-ins"), as sliding windows of the shared
 * limiter. Three windows, so that an attacker is slowed without locking the owner out:
 *
 * - **account × address** (strict, 5 by default): guessing one account's password from one
 *   address stops there. The owner at another address is not affected.
 * - **address** (30): one address guessing across many accounts.
 * - **account, from new addresses** (20): many addresses guessing one account (a botnet). Failures
 *   from an address that has signed in to this account before neither count here nor are stopped
 *   here, so however hard others hammer an account, its owner still gets in from where they
 *   usually do.
 *
 * Each attempt is counted before the password is checked (a failure until `succeeded` says
 * otherwise), so parallel attempts cannot slip under a limit.
 */

export interface SignInLimits {
  windowMs: number;
  /** Failures for one account from one address. */
  perAccountAddress: number;
  /** Failures from one address, over every account. */
  perAddress: number;
  /** Failures for one account from addresses that never signed in to it. */
  perAccount: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = { windowMs: 15 * 60_000, perAccountAddress: 5, perAddress: 30, perAccount: 20 };

/** How long an address stays known to an account after its last successful sign-in there, ms. */
export const KNOWN_ADDRESS_TTL_MS = 30 * 24 * 3600_000;
/** The most addresses remembered per account (the most recent ones). */
const KNOWN_ADDRESSES_MAX = 20;

/** A sign-in attempt under way: counted as a failure unless `succeeded` says otherwise. */
export interface Attempt {
  /** Ms until sign-in may be tried again (0: this attempt may go ahead). */
  retryAfterMs: number;
  turn: Turn;
}

export class SignInGuard {
  constructor(
    private readonly redis: Redis,
    private readonly limiter: RateLimiter,
    private readonly limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS,
  ) {}

  /** Checks every window that applies and counts the attempt in all of them, or refuses it. */
  async begin(email: string, address: string): Promise<Attempt> {
    const known = (await this.redis.zscore(knownKey(email), digest(address))) !== null;
    const turn = await this.limiter.take(this.counters(email, address, known));
    return { retryAfterMs: turn.retryAfterMs, turn };
  }

  /**
   * The password was right: the attempt no longer counts anywhere, this account's failures from
   * this address are forgotten, and the address is known to the account from now on. Failures
   * from elsewhere stay counted: a success here says nothing about them.
   */
  async succeeded(email: string, address: string, attempt: Attempt): Promise<void> {
    await this.limiter.release(attempt.turn);
    await this.limiter.clear(pairCounter(email, address, this.window(this.limits.perAccountAddress)));
    await this.remember(email, address, attempt.turn.now);
  }

  /** Marks `address` as one the account's owner uses (a sign-in there succeeded, or the account was made there). */
  async remember(email: string, address: string, now = Date.now()): Promise<void> {
    const key = knownKey(email);
    await this.redis
      .multi()
      .zadd(key, now, digest(address))
      .zremrangebyrank(key, 0, -(KNOWN_ADDRESSES_MAX + 1))
      .pexpire(key, KNOWN_ADDRESS_TTL_MS)
      .exec();
  }

  private counters(email: string, address: string, known: boolean): Counter[] {
    const counters: Counter[] = [
      pairCounter(email, address, this.window(this.limits.perAccountAddress)),
      { rule: "signin:address", subject: address, ...this.window(this.limits.perAddress) },
    ];
    if (!known) counters.push({ rule: "signin:account", subject: email, ...this.window(this.limits.perAccount) });
    return counters;
  }

  private window(max: number): Window {
    return { max, windowMs: this.limits.windowMs };
  }
}

function pairCounter(email: string, address: string, window: Window): Counter {
  return { rule: "signin:account-address", subject: `${email}\n${address}`, ...window };
}

/** Addresses that signed in to an account: a sorted set of address digests scored by the last time, ms. */
function knownKey(email: string): string {
  return `signin-known:${digest(email)}`;
}

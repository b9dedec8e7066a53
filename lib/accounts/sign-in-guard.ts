import type { Redis } from "ioredis";
import { addressBucket } from "../client-address";
import { type Counter, type RateLimiter, type Turn, type Window, digest } from "../rate-limit";

/**
 * Limits on sign-ins (docs/bets.md "Failed sign-ins"), as sliding windows of the shared limiter.
 * Three windows count failures, so that an attacker is slowed without locking the owner out from
 * where they usually sign in:
 *
 * - **account × address** (strict, 5 by default): guessing one account's password from one
 *   address stops there. The owner at another address is not affected.
 * - **address** (30): one address guessing across many accounts.
 * - **account, from new addresses** (20): many addresses guessing one account (a botnet). Failures
 *   from an address that signed in to this account in the last 30 days neither count here nor are
 *   stopped here, so however hard others elsewhere hammer an account, its owner still gets in from
 *   where they usually do. Someone who shares the owner's address (a carrier's or an office's NAT,
 *   the same IPv6 /64) shares its windows too, and can hold the owner back there.
 *
 * A fourth, coarse window counts every attempt from an address, failed or not (100): each costs
 * an argon2 verification, and one known password would otherwise let an address make them
 * without end. A success gives back its turn in the failure windows, never in this one.
 *
 * Each attempt is counted before the password is checked (a failure until `succeeded` says
 * otherwise), so parallel attempts cannot slip under a limit. An address counts by its /64 for
 * IPv6 (client-address.ts `addressBucket`), in the windows and among the owner's addresses alike.
 */

export interface SignInLimits {
  windowMs: number;
  /** Failures for one account from one address. */
  perAccountAddress: number;
  /** Failures from one address, over every account. */
  perAddress: number;
  /** Failures for one account from addresses that never signed in to it. */
  perAccount: number;
  /** Attempts from one address, failed or not, over every account. */
  attemptsPerAddress: number;
}

/** How long an address stays known to an account after its last successful sign-in there, ms. */
export const KNOWN_ADDRESS_TTL_MS = 30 * 24 * 3600_000;
/** The most addresses remembered per account (the most recent ones). */
const KNOWN_ADDRESSES_MAX = 20;

/** A sign-in attempt under way: counted as a failure unless `succeeded` says otherwise. */
export interface Attempt {
  /** Ms until sign-in may be tried again (0: this attempt may go ahead). */
  retryAfterMs: number;
  turn: Turn;
  /** The failure windows it was counted in, which a success gives back. */
  failures: Counter[];
}

// KEYS[1]: an account's known addresses. ARGV: the address's digest, the TTL (ms). 1 when the
// address signed in to the account within the TTL, on Redis's clock (the clock it was dated by).
const KNOWN = `
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score then return 0 end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
if tonumber(score) > now - tonumber(ARGV[2]) then return 1 end
return 0
`;

// KEYS[1]: an account's known addresses. ARGV: the address's digest, the TTL (ms), the most kept.
// Dates the address now on Redis's clock, forgets addresses older than the TTL and all but the
// most recent, and keeps the set as long as its newest address.
const REMEMBER = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local ttl = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - ttl)
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[3]) + 1))
redis.call('PEXPIRE', KEYS[1], ttl)
return 1
`;

export class SignInGuard {
  constructor(
    private readonly redis: Redis,
    private readonly limiter: RateLimiter,
    private readonly limits: SignInLimits,
  ) {}

  /** Checks every window that applies and counts the attempt in all of them, or refuses it. */
  async begin(email: string, address: string): Promise<Attempt> {
    const subject = addressBucket(address);
    const known = Number(await this.redis.eval(KNOWN, 1, knownKey(email), digest(subject), KNOWN_ADDRESS_TTL_MS)) === 1;
    const failures = this.failureCounters(email, subject, known);
    const attempts: Counter = { rule: "signin:attempts", subject, ...this.window(this.limits.attemptsPerAddress) };
    const turn = await this.limiter.take([...failures, attempts]);
    return { retryAfterMs: turn.retryAfterMs, turn, failures };
  }

  /**
   * The password was right: the attempt no longer counts as a failure (it still counts among the
   * address's attempts), this account's failures from this address are forgotten, and the address
   * is known to the account from now on. Failures from elsewhere stay counted: a success here says
   * nothing about them.
   */
  async succeeded(email: string, address: string, attempt: Attempt): Promise<void> {
    const subject = addressBucket(address);
    await this.limiter.release(attempt.turn, attempt.failures);
    await this.limiter.clear(pairCounter(email, subject, this.window(this.limits.perAccountAddress)));
    await this.remember(email, address);
  }

  /** Marks `address` as one the account's owner uses (a sign-in there succeeded, or the account was made there). */
  async remember(email: string, address: string): Promise<void> {
    await this.redis.eval(REMEMBER, 1, knownKey(email), digest(addressBucket(address)), KNOWN_ADDRESS_TTL_MS, KNOWN_ADDRESSES_MAX);
  }

  private failureCounters(email: string, subject: string, known: boolean): Counter[] {
    const counters: Counter[] = [
      pairCounter(email, subject, this.window(this.limits.perAccountAddress)),
      { rule: "signin:address", subject, ...this.window(this.limits.perAddress) },
    ];
    if (!known) counters.push({ rule: "signin:account", subject: email, ...this.window(this.limits.perAccount) });
    return counters;
  }

  private window(max: number): Window {
    return { max, windowMs: this.limits.windowMs };
  }
}

function pairCounter(email: string, subject: string, window: Window): Counter {
  return { rule: "signin:account-address", subject: `${email}\n${subject}`, ...window };
}

/** Addresses that signed in to an account: a sorted set of address digests scored by the last time, ms on Redis's clock. */
function knownKey(email: string): string {
  return `signin-known:${digest(email)}`;
}

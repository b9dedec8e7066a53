import type { SignInLimits } from "./accounts/sign-in-guard";
import { addressBucket } from "./client-address";
import type { Env } from "./env";
import type { Counter, Window } from "./rate-limit";

/**
 * Which sliding windows each limited action counts against (docs/bets.md "Limits"): per account
 * where the action has one, and per client address always, so neither many accounts from one
 * address nor one account from many addresses gets past them. Sign-in failures have their own,
 * finer rules (lib/accounts/sign-in-guard.ts).
 */

export const LIMITED_ACTIONS = ["signup", "bets", "relayToken", "chat", "replay", "limits"] as const;
export type LimitedAction = (typeof LIMITED_ACTIONS)[number];

export interface ActionLimits {
  /** Absent: the action has no account (sign-up, the anonymous replay read). */
  perAccount?: Window;
  perAddress: Window;
}

export type Limits = Record<LimitedAction, ActionLimits>;

/** What each action is called in a refusal's message. */
const WHAT: Record<LimitedAction, string> = {
  signup: "sign-ups",
  bets: "bets",
  relayToken: "live-connection tokens",
  chat: "chat messages",
  replay: "history reads",
  limits: "changes to your limits",
};

/** The limits as the environment sets them (README "Configuration"). */
export function limitsOf(config: Env): Limits {
  const window = (max: number, windowMs: number): Window => ({ max, windowMs });
  return {
    signup: { perAddress: window(config.SIGNUP_RATE_MAX_PER_ADDRESS, config.SIGNUP_RATE_WINDOW_MS) },
    bets: {
      perAccount: window(config.BET_RATE_MAX, config.BET_RATE_WINDOW_MS),
      perAddress: window(config.BET_RATE_MAX_PER_ADDRESS, config.BET_RATE_WINDOW_MS),
    },
    relayToken: {
      perAccount: window(config.RELAY_TOKEN_RATE_MAX, config.RELAY_TOKEN_RATE_WINDOW_MS),
      perAddress: window(config.RELAY_TOKEN_RATE_MAX_PER_ADDRESS, config.RELAY_TOKEN_RATE_WINDOW_MS),
    },
    chat: {
      perAccount: window(config.CHAT_RATE_MAX, config.CHAT_RATE_WINDOW_MS),
      perAddress: window(config.CHAT_RATE_MAX_PER_ADDRESS, config.CHAT_RATE_WINDOW_MS),
    },
    replay: { perAddress: window(config.REPLAY_RATE_MAX_PER_ADDRESS, config.REPLAY_RATE_WINDOW_MS) },
    // A bettor changes their own limits a few times at most: fixed, not configured.
    limits: { perAccount: window(30, 60_000), perAddress: window(300, 60_000) },
  };
}

/** The failed sign-in limits as the environment sets them (lib/accounts/sign-in-guard.ts). */
export function signInLimitsOf(config: Env): SignInLimits {
  return {
    windowMs: config.SIGNIN_WINDOW_MS,
    perAccountAddress: config.SIGNIN_MAX_FAILURES,
    perAddress: config.SIGNIN_MAX_FAILURES_PER_ADDRESS,
    perAccount: config.SIGNIN_MAX_FAILURES_PER_ACCOUNT,
    attemptsPerAddress: config.SIGNIN_MAX_ATTEMPTS_PER_ADDRESS,
  };
}

/**
 * The counters one attempt at `action` is taken from: the account's (when there is one and the
 * action counts it) and the address's (an IPv6 address by its /64: client-address.ts `addressBucket`).
 */
export function countersOf(action: LimitedAction, limits: ActionLimits, who: { accountId?: string | null; address: string }): Counter[] {
  const { perAccount, perAddress } = limits;
  const counters: Counter[] = [{ rule: `${action}:address`, subject: addressBucket(who.address), ...perAddress }];
  if (perAccount && who.accountId) counters.unshift({ rule: `${action}:account`, subject: who.accountId, ...perAccount });
  return counters;
}

/** The message a refused attempt gets. */
export function refusalMessage(action: LimitedAction, retryAfterSec: number): string {
  return `too many ${WHAT[action]} in a short time; try again in ${retryAfterSec} s`;
}

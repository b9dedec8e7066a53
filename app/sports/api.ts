"use client";

import { z } from "zod";
import { type LimitChange, LimitsView } from "@/lib/accounts/bettor-limits";
import type { BetRequest } from "@/lib/bets/request";
import type { Account } from "@/lib/live/account-store";
import type { RelayToken } from "@/lib/live/relay-tokens";
import { BetView } from "@/lib/protocol";

/**
 * The page's calls to the account, bet and token routes. Answers are checked before use; an
 * error answer comes back as `{ ok: false, code, message, … }` with the route's own words.
 */

export type Answer<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      status: number;
      code: string;
      message: string;
      fields?: Record<string, string>;
      price?: number;
      maxStake?: number;
      reason?: string;
      until?: string;
    };

const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.record(z.string(), z.string()).optional(),
    price: z.number().optional(),
    maxStake: z.number().optional(),
    reason: z.string().optional(),
    until: z.string().optional(),
  }),
});
const AccountBody = z.object({ id: z.string(), email: z.string(), role: z.enum(["user", "admin"]), balance: z.number(), balanceEntry: z.number() });
const BetsBody = z.object({ bets: z.array(BetView), balance: z.number(), balanceEntry: z.number() });
/** A placed bet; `delayedMs`: how long it waited in play before it was taken (0 before the start). */
const PlacedBody = z.object({ bet: BetView, balance: z.number(), balanceEntry: z.number(), delayedMs: z.number().min(0).default(0) });
const TokenBody = z.object({ token: z.string(), expiresAt: z.string() });

/** One call to one of our routes, its answer checked against `schema` (the admin console uses it too). */
export async function call<T>(path: string, schema: z.ZodType<T>, init: RequestInit = {}): Promise<Answer<T>> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers: { "content-type": "application/json", ...init.headers } });
  } catch {
    return { ok: false, status: 0, code: "offline", message: "cannot reach the server; check your connection" };
  }
  const body: unknown = response.status === 204 ? {} : await response.json().catch(() => null);
  if (response.ok) {
    const parsed = schema.safeParse(body);
    return parsed.success
      ? { ok: true, value: parsed.data }
      : { ok: false, status: response.status, code: "bad_answer", message: "the server answered something unexpected" };
  }
  const error = ErrorBody.safeParse(body);
  if (!error.success) return { ok: false, status: response.status, code: "error", message: `the server answered ${response.status}` };
  return { ok: false, status: response.status, ...error.data.error };
}

export const signIn = (email: string, password: string) =>
  call<Account>("/api/account/login", AccountBody, { method: "POST", body: JSON.stringify({ email, password }) });
/** Creates an account; an empty `name` leaves the default (the email's local part) to the server. */
export const signUp = (email: string, password: string, name = "") =>
  call<Account>("/api/account/signup", AccountBody, { method: "POST", body: JSON.stringify(name.trim() ? { email, password, name } : { email, password }) });
export const signOut = () => call("/api/account/logout", z.unknown(), { method: "POST" });
export const fetchAccount = () => call<Account>("/api/account", AccountBody);
export const fetchBets = () => call("/api/bets", BetsBody);

/** Places a bet; `key` is this attempt's Idempotency-Key (a retry of the same attempt reuses it). */
export const placeBet = (request: BetRequest, key: string) =>
  call("/api/bets", PlacedBody, { method: "POST", body: JSON.stringify(request), headers: { "idempotency-key": key } });

export const fetchLimits = () => call("/api/account/limits", LimitsView);
export const changeLimit = (change: LimitChange) => call("/api/account/limits", LimitsView, { method: "POST", body: JSON.stringify(change) });

export async function fetchRelayToken(): Promise<RelayToken | null> {
  const answer = await call("/api/auth/relay-token", TokenBody, { method: "POST" });
  return answer.ok ? answer.value : null;
}

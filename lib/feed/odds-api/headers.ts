import type { Usage } from "./schemas";

/**
 * Reading The Odds API's response headers: the usage counters every answer carries and the
 * Retry-After of a 429. Header values come from the network, so nothing here trusts them.
 */

/** What `Headers.get` offers; a plain interface so tests need no Response. */
export interface HeaderSource {
  get(name: string): string | null;
}

const COUNT = /^\s*\d+(\.\d+)?\s*$/;

function count(value: string | null): number | null {
  if (value === null || !COUNT.test(value)) return null;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : null;
}

/**
 * The usage headers of an answer, or null unless all three are present and are non-negative
 * numbers (the provider sends remaining as a float on some plans, e.g. "499.0").
 * @example parseUsage(new Headers({ "x-requests-remaining": "491", "x-requests-used": "9", "x-requests-last": "9" }))
 * // { remaining: 491, used: 9, last: 9 }
 */
export function parseUsage(headers: HeaderSource): Usage | null {
  const remaining = count(headers.get("x-requests-remaining"));
  const used = count(headers.get("x-requests-used"));
  const last = count(headers.get("x-requests-last"));
  if (remaining === null || used === null || last === null) return null;
  return { remaining, used, last };
}

/** Longest wait we accept from a Retry-After, ms: a broken header must not park us for days. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * How long a Retry-After tells us to wait, in ms from `nowMs`: either delta-seconds ("30") or an
 * HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT"). Null when absent or unreadable; a date in the past
 * is 0; capped at MAX_RETRY_AFTER_MS.
 * @example parseRetryAfter("2", 0) // 2000
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (trimmed === "") return null;
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed) * 1_000, MAX_RETRY_AFTER_MS);
  // Only dates that look like HTTP dates: Date.parse accepts far too much ("1.5" is a year).
  if (!/[a-z]{3},? /i.test(trimmed)) return null;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.min(Math.max(0, at - nowMs), MAX_RETRY_AFTER_MS);
}

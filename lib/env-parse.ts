import { z } from "zod";
import { StartupError } from "./errors";

/**
 * The pieces every process's environment schema is built from (lib/env.ts for the web app,
 * publisher and feed; vps/env.ts for the relay; scripts/stack-env.ts for `npm start`), and the one
 * function that parses with them. Each kind of value has one rule here, so a variable two
 * processes read is read the same way by both, and its error says what a valid value looks like.
 */

/**
 * Parses an environment with a schema, or throws a StartupError that lists every bad variable on
 * its own line ("is not set" when missing).
 */
export function parseEnvironment<T extends z.ZodType>(schema: T, source: Record<string, string | undefined>): z.infer<T> {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.join(".");
    return `  ${name}: ${source[name] === undefined ? "is not set" : issue.message}`;
  });
  throw new StartupError(`Invalid environment:\n${lines.join("\n")}`);
}

/**
 * The one parser of on/off variables: true/false, 1/0, yes/no, on/off, y/n, enabled/disabled, in
 * any case. Anything else is an error, never silently "on". Processes act on the parsed value;
 * nothing else (not the PM2 ecosystem file) interprets a flag's text.
 */
export const flag = (fallback: boolean) => z.stringbool().default(fallback);

/** A whole number from `min` to `max`, required unless the caller adds a default or `.optional()`. */
export function wholeNumber(min: number, max: number) {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ error: message }).int(message).min(min, message).max(max, message);
}

/** A whole number from `min` to `max`; `fallback` when unset. */
export const int = (fallback: number, min: number, max: number) => wholeNumber(min, max).default(fallback);

/** A number, fractions allowed, from `min` to `max` (no upper bound when omitted); `fallback` when unset. */
export function decimal(fallback: number, min: number, max?: number) {
  const message = max === undefined ? `must be a number of at least ${min}` : `must be a number from ${min} to ${max}`;
  const number = z.coerce.number({ error: message }).min(min, message);
  return (max === undefined ? number : number.max(max, message)).default(fallback);
}

/**
 * A TCP port from 1 to 65535; `fallback` when unset. `zero` says what 0 means for a variable that
 * gives it a meaning ("off", "any free port"); without it 0 is refused.
 * @example port(3001, "any free port") // accepts 0..65535; the error reads "must be a port from 1 to 65535, or 0 (any free port)"
 */
export function port(fallback: number, zero?: string) {
  const message = `must be a port from 1 to 65535${zero === undefined ? "" : `, or 0 (${zero})`}`;
  return z.coerce
    .number({ error: message })
    .int(message)
    .min(zero === undefined ? 1 : 0, message)
    .max(65_535, message)
    .default(fallback);
}

/** A host name or address to listen on or bind to; `fallback` when unset. */
export const host = (fallback: string) => z.string().min(1, "must not be empty").default(fallback);

/**
 * The one URL parser: a URL (as the WHATWG parser reads it) whose scheme is one of `protocols`,
 * each written with its colon (`"redis:"`).
 */
export function url(protocols: readonly string[]) {
  return z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL starting with ${protocols.map((protocol) => `${protocol}//`).join(" or ")}`,
  );
}

/** A secret of at least `minLength` characters; unset is allowed (the feature it guards is off). */
export const secret = (minLength: number) => z.string().min(minLength, `must be at least ${minLength} characters`).optional();

/** Splits a comma-separated list: entries trimmed, blanks dropped. */
const split = (text: string) =>
  text
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);

/** A comma-separated list as an array (entries trimmed, blanks dropped); `fallback` when unset. */
export const list = (fallback: string) => z.string().default(fallback).transform(split);

/**
 * A comma-separated list of keys as an array without blanks or repeats, at least one, each one of
 * `allowed` (a list of values, or a pattern each key must match); `fallback` when unset.
 */
export function keyList(allowed: RegExp | readonly string[], fallback: string) {
  const valid = (key: string) => (allowed instanceof RegExp ? allowed.test(key) : allowed.includes(key));
  const rule = allowed instanceof RegExp ? `match ${allowed}` : `be one of ${allowed.join(", ")}`;
  return list(fallback)
    .transform((keys) => [...new Set(keys)])
    .refine((keys) => keys.length > 0, "must list at least one key")
    .refine((keys) => keys.every(valid), `each key must ${rule}`);
}

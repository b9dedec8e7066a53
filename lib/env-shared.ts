import os from "node:os";
import { type LevelWithSilent, levels } from "pino";
import { z } from "zod";
import { secret, url, wholeNumber } from "./env-parse";

/**
 * The variables more than one process reads, each defined once: the web app, publisher and feed
 * (lib/env.ts) and the relay (vps/env.ts) spread these into their schemas, and `npm start`
 * (scripts/stack-env.ts) picks from them, so no two processes read one variable two ways.
 */

/** The levels pino logs at, and `silent`. */
const LOG_LEVELS = ["silent", ...Object.keys(levels.values)] as [LevelWithSilent, ...LevelWithSilent[]];

/** What the logger writes: `pretty`, one readable line per event; `json`, pino's JSON lines for log shippers. */
export const LOG_FORMATS = ["pretty", "json"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Where the relay listens by default, and where the web app and `npm start` reach it. */
export const DEFAULT_RELAY_PORT = 3001;

const logVariables = {
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }).default("info"),
  LOG_FORMAT: z.enum(LOG_FORMATS, { error: `must be one of ${LOG_FORMATS.join(", ")}` }).default("pretty"),
};

/** The variables the web app, publisher, feed and relay all read. */
export const sharedVariables = {
  REDIS_URL: url(["redis:", "rediss:"]),
  /** HS256 secret the web app signs relay tokens with and the relay checks them with. */
  RELAY_JWT_SECRET: secret(32),
  /** PM2's number for this instance of an app (0, 1, …); set by PM2, never by hand, and unset outside PM2. */
  NODE_APP_INSTANCE: wholeNumber(0, 1_000).optional(),
  ...logVariables,
};

/** This process's name among its peers (the leader shown, a relay instance): `hostname:pid` when unset. */
export const instanceId = () =>
  z
    .string()
    .min(1, "must not be empty")
    .default(() => `${os.hostname()}:${process.pid}`);

/**
 * A process's name with PM2's instance number appended (`vps1#0`, `vps1#1`): under PM2 every
 * instance of an app gets the same environment, and the number keeps one named by a variable
 * apart from its siblings. Outside PM2 (`instance` undefined) the name as it is.
 */
export function instanceName(name: string, instance: number | undefined): string {
  return instance === undefined ? name : `${name}#${instance}`;
}

/** LOG_LEVEL and LOG_FORMAT as the logger takes them. */
export interface LogSettings {
  level: LevelWithSilent;
  format: LogFormat;
}

/**
 * LOG_LEVEL and LOG_FORMAT for the logger, which every process makes as its modules load, before
 * it validates its environment. A bad value gives the default here; the process's own parse (each
 * schema has both variables) then fails at start, naming it with every other bad variable.
 */
export function logSettings(source: Record<string, string | undefined> = process.env): LogSettings {
  return {
    level: logVariables.LOG_LEVEL.catch("info").parse(source.LOG_LEVEL),
    format: logVariables.LOG_FORMAT.catch("pretty").parse(source.LOG_FORMAT),
  };
}

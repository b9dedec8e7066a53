import { type DestinationStream, type Logger, pino } from "pino";
import pretty from "pino-pretty";

/**
 * The process-wide root logger. By default one readable line per event, which is what operators
 * see in `pm2 logs ws-server`:
 *
 *   16:20:31.123 INFO  relay: relay listening {"port":3001,"instanceId":"vps1:4242"}
 *
 * LOG_FORMAT=json writes pino's JSON lines instead, for log shippers. LOG_FORMAT and LOG_LEVEL are
 * read here, once, because the logger must exist before env validation can report what is wrong.
 */
const json = process.env.LOG_FORMAT === "json";

// Through process.stdout, never straight to fd 1: PM2's cluster mode (RELAY_INSTANCES > 1)
// captures an app's output by wrapping process.stdout.write, and direct writes to the descriptor
// end up in PM2's own log instead of `pm2 logs ws-server`. (Writes to files and pipes are
// synchronous in Node on Linux, so nothing is lost at exit.)
const destination: DestinationStream = json
  ? process.stdout
  : pretty({
      destination: process.stdout,
      colorize: false,
      singleLine: true,
      errorLikeObjectKeys: ["error"],
      translateTime: "SYS:HH:MM:ss.l",
      ignore: "pid,hostname,name",
      messageFormat: "{name}: {msg}",
      sync: true,
    });

const root: Logger = pino(
  {
    level: process.env.LOG_LEVEL ?? "info",
    // We log error messages as `err: "…"`; a bare Error logged directly lands under `error`.
    // (pino-pretty prints the errorKey as a multi-line block, which breaks one-line logs.)
    errorKey: "error",
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  },
  destination,
);

/** A child logger for one module, e.g. `createLogger("publisher")`. */
export function createLogger(name: string): Logger {
  return root.child({ name });
}

export type { Logger };

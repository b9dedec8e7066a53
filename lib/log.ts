import { type DestinationStream, type Logger, pino } from "pino";
import pretty from "pino-pretty";
import { logSettings } from "./env-shared";

/**
 * The process-wide root logger. By default one readable line per event, which is what operators
 * see in `pm2 logs ws-server`:
 *
 *   [16:20:31.123] INFO: relay: relay listening {"port":3001,"instanceId":"vps1:4242"}
 *
 * LOG_FORMAT=json writes pino's JSON lines instead, for log shippers. LOG_LEVEL and LOG_FORMAT are
 * taken as the logger is made, before the process validates its environment (a bad value logs at
 * the default until that validation stops the process, naming it).
 */
const settings = logSettings();

// Through process.stdout, never straight to fd 1: PM2's cluster mode (RELAY_INSTANCES > 1)
// captures an app's output by wrapping process.stdout.write, and direct writes to the descriptor
// end up in PM2's own log instead of `pm2 logs ws-server`. (Writes to files and pipes are
// synchronous in Node on Linux, so nothing is lost at exit.)
const destination: DestinationStream =
  settings.format === "json"
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
    level: settings.level,
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

import { pino, type Logger } from "pino";

/**
 * The process-wide root logger. JSON lines (one object per line) are what PM2 stores and what log
 * shippers parse; `pm2 logs` prints them as they are. Level from LOG_LEVEL (read here, once, because
 * the logger must exist before env validation can report what is wrong).
 */
const root: Logger = pino({
  level: process.env.LOG_LEVEL ?? "info",
  base: { pid: process.pid },
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label) => ({ level: label }) },
});

/** A child logger for one module, e.g. `createLogger("publisher.tick")`. */
export function createLogger(name: string): Logger {
  return root.child({ name });
}

export type { Logger };

import { StartupError } from "./errors";
import type { Logger } from "./log";

/**
 * Runs an entry point: a StartupError (bad env, unreachable service) prints as its message alone
 * and exits 1; anything else prints with its stack, because that is a bug worth the trace.
 */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof StartupError) {
      process.stderr.write(`${error.message}\n`);
    } else {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    exitAfterOutput(1);
  });
}

/**
 * Calls `shutdown` once on SIGTERM or SIGINT (PM2 sends SIGINT, then SIGKILL after kill_timeout),
 * then exits 0, or 1 when shutdown fails or takes longer than `timeoutMs`.
 */
export function onShutdown(log: Logger, shutdown: (signal: string) => Promise<void>, timeoutMs = 10_000): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    const timer = setTimeout(() => {
      log.error({ timeoutMs }, "shutdown timed out");
      exitAfterOutput(1);
    }, timeoutMs);
    timer.unref();
    shutdown(signal).then(
      () => {
        log.info("stopped");
        exitAfterOutput(0);
      },
      (error: unknown) => {
        log.error({ err: error }, "shutdown failed");
        exitAfterOutput(1);
      },
    );
  };
  process.on("SIGTERM", handle);
  process.on("SIGINT", handle);
}

/** The longest wait for the last log lines to be written before exiting anyway, ms. */
const EXIT_GRACE_MS = 1_000;

/**
 * Exits once everything written to stdout and stderr is out, or after EXIT_GRACE_MS at most. Under
 * PM2's cluster mode (RELAY_INSTANCES > 1) each instance writes its own log files, asynchronously:
 * a bare process.exit drops the last lines, which are the ones saying why it stopped.
 */
function exitAfterOutput(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
  let pending = 2;
  const flushed = () => {
    pending -= 1;
    if (pending === 0) process.exit(code);
  };
  // An empty write completes after every write queued before it.
  process.stdout.write("", flushed);
  process.stderr.write("", flushed);
}

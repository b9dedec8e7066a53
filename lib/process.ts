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
    process.exit(1);
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
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    shutdown(signal).then(
      () => {
        log.info("stopped");
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", handle);
  process.on("SIGINT", handle);
}

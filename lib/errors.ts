/**
 * A failure the operator can fix from one line of text (wrong URL, service down, bad env var).
 * Entry points print `message` alone, without a stack, and exit non-zero.
 */
export class StartupError extends Error {
  override name = "StartupError";
}

/** Describes an unknown thrown value without leaking internals (stack, SQL, host names) to clients. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Redacts the password of a connection URL so it can be logged: redis://:***@host:6379/0 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "<unparseable url>";
  }
}

/** host:port of a connection URL, for error lines that must name the address. */
export function urlAddress(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || "(default port)"}`;
  } catch {
    return "<unparseable url>";
  }
}

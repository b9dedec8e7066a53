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

/** What a thrown value and its causes say about themselves: names, codes and messages. */
export interface Clues {
  names: Set<string>;
  codes: Set<string>;
  text: string;
}

export function clues(error: unknown): Clues {
  const found: Clues = { names: new Set(), codes: new Set(), text: "" };
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 6; depth += 1) {
    if (typeof current !== "object") {
      found.text += ` ${errorMessage(current)}`;
      break;
    }
    const fields = current as { name?: unknown; code?: unknown; kind?: unknown; message?: unknown; cause?: unknown };
    for (const value of [fields.name, fields.kind]) if (typeof value === "string") found.names.add(value);
    if (typeof fields.code === "string") found.codes.add(fields.code);
    if (typeof fields.message === "string") found.text += ` ${fields.message}`;
    current = fields.cause;
  }
  return found;
}

/** ioredis' own failures of a command while Redis is away. */
const REDIS_NAMES = new Set(["MaxRetriesPerRequestError"]);
const REDIS_MESSAGES = /Connection is closed|Stream isn't writeable|Command timed out/;
/**
 * Postgres out of reach: Prisma's codes (P1001 cannot reach, P1017 connection closed, P2024 no
 * connection from the pool in time), the pg adapter's kinds, SQLSTATE class 08 and shutdown
 * codes, and the socket errors under them.
 */
const POSTGRES_CODES = new Set([
  "P1001",
  "P1017",
  "P2024",
  "57P01",
  "57P02",
  "57P03",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "EPIPE",
]);
const POSTGRES_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
const POSTGRES_MESSAGES =
  /Can't reach database server|Connection terminated|timeout exceeded when trying to connect|the database system is (starting up|shutting down)|terminating connection|not currently accepting connections/i;

/**
 * Which service a thrown value says is out of reach, from error codes and names (Prisma's, the pg
 * adapter's, Postgres SQLSTATE, socket errors, ioredis' own), never from hosts: null when it is
 * some other failure.
 * @example outageOf(Object.assign(new Error("…"), { code: "P1001" })) // "Postgres"
 */
export function outageOf(error: unknown): "Postgres" | "Redis" | null {
  const { names, codes, text } = clues(error);
  if ([...names].some((name) => REDIS_NAMES.has(name)) || REDIS_MESSAGES.test(text)) return "Redis";
  const postgres =
    [...codes].some((code) => POSTGRES_CODES.has(code) || code.startsWith("08")) ||
    [...names].some((name) => POSTGRES_KINDS.has(name)) ||
    POSTGRES_MESSAGES.test(text);
  return postgres ? "Postgres" : null;
}

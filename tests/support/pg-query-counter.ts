import { startTcpProxy } from "./counting-proxy";

/**
 * A TCP proxy in front of Postgres that counts the queries its clients send: every simple Query
 * ('Q') and every Execute ('E') of the extended protocol, read from the frontend messages. Give a
 * process `url(databaseUrl)` as its DATABASE_URL to see how many queries it makes, or `cut()` the
 * proxy to make Postgres unreachable for that process alone.
 */
export interface PgQueryCounter {
  /** Queries sent through the proxy so far, all connections. */
  queries(): number;
  /** `databaseUrl` with its host and port replaced by the proxy's. */
  url(databaseUrl: string): string;
  /** Refuses new connections and drops open ones (Postgres unreachable) until `restore()`. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

// Startup-phase request codes: SSLRequest and GSSENCRequest are answered with one byte, then the startup message follows.
const NEGOTIATION_CODES = new Set([80877103, 80877104]);

export async function startPgQueryCounter(targetPort: number, targetHost = "127.0.0.1"): Promise<PgQueryCounter> {
  let queries = 0;
  const proxy = await startTcpProxy(targetPort, targetHost, (client) => {
    client.on(
      "data",
      frontendReader((type) => {
        if (type === "Q" || type === "E") queries += 1;
      }),
    );
  });
  return {
    queries: () => queries,
    url: (databaseUrl) => {
      const url = new URL(databaseUrl);
      url.hostname = "127.0.0.1";
      url.port = String(proxy.port);
      return url.toString();
    },
    cut: () => {
      proxy.refuse(true);
      proxy.drop();
    },
    restore: () => proxy.refuse(false),
    close: proxy.close,
  };
}

/** Splits a client's byte stream into frontend messages and reports each one's type byte. */
function frontendReader(onMessage: (type: string) => void): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  let startup = true;
  return (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      if (startup) {
        if (pending.length < 8) return;
        const length = pending.readInt32BE(0);
        if (pending.length < length) return;
        startup = NEGOTIATION_CODES.has(pending.readInt32BE(4));
        pending = pending.subarray(length);
        continue;
      }
      if (pending.length < 5) return;
      const length = pending.readInt32BE(1) + 1;
      if (pending.length < length) return;
      onMessage(String.fromCharCode(pending[0] ?? 0));
      pending = pending.subarray(length);
    }
  };
}

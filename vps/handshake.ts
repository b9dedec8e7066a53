import type { IncomingMessage } from "node:http";
import { AuthError, type Identity } from "./auth";
import type { RelaySocket } from "./client";
import { ConnectionLimits, clientAddress } from "./connection-limits";
import type { RelayMetrics } from "./metrics";

/**
 * What a new connection goes through before it is the relay's: its first request (Origin, the
 * WebSocket transport), its token, and the connection limits. Each refusal says why.
 */

/** The relay's server, as far as the handshake's middleware needs it. */
type Handshakes = { use(fn: (socket: RelaySocket, next: (err?: Error) => void) => void): unknown };
type Metrics = Pick<RelayMetrics, "clientErrors" | "connectionsRefused">;

/**
 * Why a new connection's first request is refused (answered 403 with this message), or null.
 * HTTP long-polling is refused outright: its requests must all reach the instance that holds the
 * session, and instances sharing a port (PM2 cluster mode) take requests in turn, so a polling
 * client would fail at random there. WebSocket is one long-lived request: any instance will do.
 */
export function handshakeRefusal(req: IncomingMessage, allowedOrigins: string[]): string | null {
  if (!originAllowed(req, allowedOrigins)) return "origin not allowed";
  const transport = new URL(req.url ?? "/", "http://relay").searchParams.get("transport");
  if (transport !== "websocket")
    return `this relay takes WebSocket connections only (got transport ${JSON.stringify(transport)}); connect with transports: ["websocket"]`;
  return null;
}

/** Requests without an Origin header come from servers and tools, not browsers: allowed. */
function originAllowed(req: IncomingMessage, allowed: string[]): boolean {
  const origin = req.headers.origin;
  return origin === undefined || allowed.includes("*") || allowed.includes(origin);
}

/**
 * Checks each handshake's token: a bad one is refused with a reason, none means anonymous.
 * Returns where the connection handler reads the identity a socket's handshake established.
 */
export function authenticateHandshakes(io: Handshakes, authenticate: (token: unknown) => Promise<Identity>, metrics: Metrics): (socket: object) => Identity {
  const identities = new WeakMap<object, Identity>();
  io.use((socket, next) => {
    authenticate(socket.handshake.auth?.token).then(
      (identity) => {
        identities.set(socket, identity);
        next();
      },
      (error: unknown) => {
        metrics.clientErrors.inc({ code: "unauthorized" });
        const message = error instanceof AuthError ? error.message : "unauthorized";
        next(Object.assign(new Error("unauthorized"), { data: { code: "unauthorized", message } }));
      },
    );
  });
  return (socket) => identities.get(socket) ?? null;
}

/**
 * Refuses a handshake over a connection limit with `too_many_connections` and the limit in its
 * message. Runs after authentication, so a refused token is never counted. An admitted connection
 * is released exactly once: on disconnect, or when its transport closes before Socket.IO finished
 * connecting it (then no "disconnect" ever fires).
 */
export function limitConnections(io: Handshakes, config: { total: number; perAddress: number; trustProxy: boolean }, metrics: Metrics): void {
  const limits = new ConnectionLimits(config);
  io.use((socket, next) => {
    // Closed during authentication: Socket.IO drops it, and a "close" listener would never fire.
    if (socket.conn.readyState !== "open") return next(new Error("transport closed"));
    const address = clientAddress(socket.handshake, config.trustProxy);
    const admission = limits.admit(address);
    if (!admission.ok) {
      metrics.connectionsRefused.inc({ reason: admission.reason });
      metrics.clientErrors.inc({ code: admission.code });
      return next(Object.assign(new Error(admission.code), { data: { code: admission.code, message: admission.message } }));
    }
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      socket.conn.off("close", release);
      limits.release(address);
    };
    socket.conn.once("close", release);
    socket.once("disconnect", release);
    next();
  });
}

import type { Socket as TcpSocket } from "node:net";
import { type Socket, io } from "socket.io-client";
import { type Ack, type ClientToServerEvents, type OddsDelta, type ServerToClientEvents, type WireDelta, unpackDelta } from "../../lib/protocol";

/** What a test sees: deltas unpacked from their wire form, as the page's connection does. */
type Events = Omit<ServerToClientEvents, "odds:delta"> & { "odds:delta": (delta: OddsDelta) => void };
type EventName = keyof Events;
type Payload<E extends EventName> = Parameters<Events[E]>[0];

/** A socket.io-client that records everything it receives, for assertions. */
export interface TestClient {
  socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  received: { event: EventName; payload: unknown; at: number }[];
  of<E extends EventName>(event: E): Payload<E>[];
  /** Resolves with the first received `event` (already received or future) matching `predicate`. */
  waitFor<E extends EventName>(event: E, predicate?: (payload: Payload<E>) => boolean, timeoutMs?: number): Promise<Payload<E>>;
  emit<T extends object>(event: keyof ClientToServerEvents, payload?: unknown): Promise<Ack<T>>;
  close(): void;
}

export interface ConnectOptions {
  token?: string;
  origin?: string;
  reconnection?: boolean;
  /** More handshake headers, e.g. `x-forwarded-for` as a proxy would set it. */
  headers?: Record<string, string>;
}

export function connectClient(url: string, options: ConnectOptions = {}): Promise<TestClient> {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, {
    transports: ["websocket"],
    auth: options.token ? { token: options.token } : {},
    reconnection: options.reconnection ?? false,
    extraHeaders: options.origin || options.headers ? { ...options.headers, ...(options.origin ? { origin: options.origin } : {}) } : undefined,
    forceNew: true,
  });
  const received: TestClient["received"] = [];
  const listeners = new Set<() => void>();
  socket.onAny((event: EventName, payload: unknown) => {
    received.push({ event, payload: event === "odds:delta" ? unpackDelta(payload as WireDelta) : payload, at: Date.now() });
    for (const listener of listeners) listener();
  });
  const client: TestClient = {
    socket,
    received,
    of: (event) => received.filter((r) => r.event === event).map((r) => r.payload as never),
    waitFor: (event, predicate = () => true, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const hit = received.find((r) => r.event === event && predicate(r.payload as never));
          if (hit) {
            cleanup();
            resolve(hit.payload as never);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no ${event} within ${timeoutMs} ms; got: ${received.map((r) => r.event).join(", ")}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      }),
    emit: (event, payload) =>
      new Promise((resolve) => {
        const args = payload === undefined ? [] : [payload];
        (socket.emit as (...a: unknown[]) => void)(event, ...args, resolve);
      }),
    close: () => socket.close(),
  };
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(client));
    socket.once("connect_error", (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** The TCP socket under a socket.io-client's WebSocket: pausing it stops reading, as a stalled phone would. */
export function tcpOf(socket: Socket): TcpSocket {
  return (socket.io.engine.transport as unknown as { ws: { _socket: TcpSocket } }).ws._socket;
}

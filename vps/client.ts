import type { Socket } from "socket.io";
import type { ClientStats, ClientToServerEvents, ServerToClientEvents } from "../lib/protocol";
import type { Identity } from "./auth";
import { ConnectionStats } from "./client-stats";
import type { InterServerEvents } from "./cluster";
import { SLOW_ROOM } from "./delivery";
import { ClientIdentity } from "./identity";
import type { RelayMetrics } from "./metrics";
import { Outbound } from "./outbound";
import { ClientLimiter } from "./rate-limit";
import { Subscriptions } from "./subscriptions";

/**
 * Nothing is kept on `socket.data`: everything the relay holds for a connection is its Client's.
 * The handshake's identity reaches the Client through handshake.ts.
 */
export type SocketData = Record<string, never>;

export type RelaySocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** Why a connection ends (`Client.close`). */
export type CloseReason =
  /** Its transport went: the client left, missed its heartbeat, or the relay is shutting down (Socket.IO's reason). */
  | { kind: "disconnected"; detail: string }
  /** The relay cuts it: it kept sending messages that were refused. */
  | { kind: "flood" }
  /** The relay cuts it for reading too slowly (slow-consumers.ts); it is told why first. */
  | { kind: "slow_consumer"; message: string };

/** What a Client needs of the relay around it (hub.ts gives it). */
export interface ClientContext {
  rate: { perSec: number; burst: number };
  /** The relay's current seq of a sport (null: not held). */
  seqOf(sport: string): number | null;
  /** Whether this relay heard that the identity's token was revoked (revocations.ts). */
  voids(identity: NonNullable<Identity>): boolean;
  metrics: Pick<RelayMetrics, "clientErrors" | "messagesSent">;
  /** After a write: the bytes now held for the client. */
  written(client: Client, bytes: number): void;
  /** The client's transport closed (after `closed`; later for a cut client that does not read). */
  released(client: Client): void;
  /** The client closed: it is no longer the relay's to reach. */
  closed(client: Client): void;
}

/**
 * Everything the relay holds for one connection, as named parts, and the one way it ends.
 *
 * - `identity`: who its token says it is, its private rooms, and the timer that ends them;
 * - `subscriptions`: the sports and events it holds, each with its filter, and their rooms;
 * - `outbound`: what was written to it, the bytes held for it, and whether it is held back;
 * - `limiter`: the rate limit on what it sends, and the refusals that make it a flood;
 * - `stats`: when it opened, what it sent, and its delivery counters.
 *
 * `close(reason)` tears all of it down, whoever decides the connection ends: the client (its
 * transport went) or the relay (a flood, a slow consumer). The relay-wide parts reach clients
 * through the hub (hub.ts), never through `socket.data` or the socket's rooms.
 */
export class Client {
  readonly identity: ClientIdentity;
  readonly subscriptions: Subscriptions;
  readonly outbound: Outbound;
  readonly limiter: ClientLimiter;
  readonly stats: ConnectionStats;
  private closing = false;

  constructor(
    private readonly socket: RelaySocket,
    identity: Identity,
    private readonly context: ClientContext,
  ) {
    const now = Date.now();
    this.identity = new ClientIdentity(socket);
    this.subscriptions = new Subscriptions(socket);
    this.limiter = new ClientLimiter(context.rate, now);
    this.takeOn(identity);
    this.outbound = new Outbound(socket.conn, { written: (bytes) => context.written(this, bytes), closed: () => context.released(this) });
    this.stats = new ConnectionStats({ outbound: this.outbound, subscriptions: this.subscriptions, seqOf: context.seqOf }, now);
    socket.once("disconnect", (detail) => this.close({ kind: "disconnected", detail }));
  }

  get id(): string {
    return this.socket.id;
  }

  /** The client's address as the socket saw it (for logs). */
  get address(): string {
    return this.socket.handshake.address;
  }

  /** Whether messages still reach it: connected, and not being closed. */
  get connected(): boolean {
    return this.socket.connected && !this.closing;
  }

  /**
   * Joins the identity's private rooms, unless a revocation this relay heard of arrived after the
   * token was checked (against Redis) but before this moment: then it leaves them again at once.
   */
  takeOn(identity: Identity): void {
    this.identity.assume(identity);
    if (identity && this.context.voids(identity)) this.identity.revoke();
  }

  send<E extends keyof ServerToClientEvents>(event: E, ...args: Parameters<ServerToClientEvents[E]>): void {
    (this.socket.emit as (event: E, ...args: Parameters<ServerToClientEvents[E]>) => boolean)(event, ...args);
  }

  /** Joins a room of the relay's own (`slow`); subscriptions and identity join theirs through their parts. */
  join(room: string): void {
    this.socket.join(room);
  }

  leave(room: string): void {
    this.socket.leave(room);
  }

  /** The rooms a client sees in `ping`: its subscriptions' and identity's, not the relay's own. */
  rooms(): string[] {
    return [...this.socket.rooms].filter((room) => room !== this.socket.id && room !== SLOW_ROOM);
  }

  /** Sends the client its delivery counters, and adds what it was sent to the relay's count. */
  pushStats(now: number): ClientStats {
    const stats = this.stats.delivery(now);
    this.send("stats", stats);
    this.countSent();
    return stats;
  }

  /**
   * Ends the connection, once, whoever calls first: the expiry timer stops, every room is left,
   * the hub forgets it (and so do the slow consumers), and what it was sent is counted. A reason
   * of the relay's own (a flood, a slow consumer) also disconnects it, after telling it why when
   * there is something to tell. Its transport is counted until it closes (`released`).
   */
  close(reason: CloseReason): void {
    if (this.closing) return;
    const told = this.socket.connected && reason.kind === "slow_consumer";
    this.closing = true;
    if (told) {
      this.context.metrics.clientErrors.inc({ code: reason.kind });
      this.socket.emit("error", { code: reason.kind, message: reason.message });
    }
    this.identity.forget();
    this.subscriptions.clear();
    this.countSent();
    this.context.closed(this);
    if (reason.kind !== "disconnected") this.socket.disconnect(true);
  }

  /** Adds what it was sent since the last count to relay_messages_sent_total (in rounds: nothing per message). */
  private countSent(): void {
    const messages = this.outbound.unreported();
    if (messages > 0) this.context.metrics.messagesSent.inc(messages);
  }
}

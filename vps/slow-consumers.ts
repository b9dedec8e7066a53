import type { Logger } from "../lib/log";
import type { ClientStats, EventBooks, OddsDeltaMessage, SportLag } from "../lib/protocol";
import type { RelaySocket } from "./connection";
import { type Delivery, SLOW_ROOM } from "./delivery";
import { type Filter, filterBooks } from "./filters";
import type { RelayMetrics } from "./metrics";
import type { SportCache } from "./sport-cache";

/**
 * Slow consumers: connections that do not read as fast as odds move.
 *
 * What the relay holds for a connection is measured as Engine.IO's write buffer (packets not yet
 * handed to the transport; counted as packets are created and flushed) plus the WebSocket's
 * `bufferedAmount` (bytes the socket has not yet handed to the operating system). Over the soft
 * limit, the connection joins the `slow` room, which every odds broadcast skips, so it costs
 * nothing per delta; the seq it was handed of each sport is recorded in that same synchronous
 * step, between two deltas. Small messages (user updates, chat, event updates, feed status) keep
 * flowing; `event:books` are held, the latest per event and market.
 *
 * A sweep over slow connections only (every 200 ms) brings back those that drained under the low
 * watermark with one merged delta per sport (or a resync snapshot when the ring no longer reaches
 * back) and the held books, and cuts those over the hard limit or slow for too long: `error
 * { code: "slow_consumer" }`, a server disconnect, and, if the transport has not closed after a
 * grace period (a client that reads nothing never takes the close), its TCP socket destroyed.
 */

export interface SlowLimits {
  /** Over this many bytes held for a connection, its odds deltas stop and are conflated. */
  softBytes: number;
  /** Over this many, it is cut with `slow_consumer`. */
  hardBytes: number;
  /** A slow connection that drained under this many bytes catches up and gets deltas again. */
  lowBytes: number;
  /** Slow for longer than this, ms, it is cut with `slow_consumer`. */
  maxMs: number;
  /** A cut connection whose transport is still open after this long, ms, is destroyed. */
  graceMs: number;
}

interface SlowState {
  since: number;
  /** Per subscribed sport, the seq it was handed when it went slow (or subscribed while slow). */
  held: Map<string, number>;
  /** Per event, the book-level prices it missed, the latest per market. */
  books: Map<string, EventBooks>;
}

/** One connection's outbound counters (its socket's `data.outbound`). */
export interface Outbound {
  sent: number;
  /** `sent` already added to relay_messages_sent_total. */
  reported: number;
  /** Bytes in Engine.IO's write buffer. */
  queued: number;
  conflated: number;
  dropped: number;
  slow: SlowState | null;
  cut: boolean;
}

export type CutReason = "hard_limit" | "too_long";

type Conn = RelaySocket["conn"];
type Packet = { type: string; data?: unknown };

/** How often slow connections are looked at, ms. */
const SWEEP_MS = 200;

export function newOutbound(): Outbound {
  return { sent: 0, reported: 0, queued: 0, conflated: 0, dropped: 0, slow: null, cut: false };
}

export class SlowConsumers {
  private readonly slow = new Set<RelaySocket>();
  /** Every open transport's counters, also after its socket disconnected, until it closes. */
  private readonly open = new Map<Conn, Outbound>();
  private readonly timer: NodeJS.Timeout;
  private peak = 0;

  constructor(
    private readonly cache: SportCache,
    private readonly delivery: Delivery,
    private readonly metrics: RelayMetrics,
    private readonly log: Logger,
    private readonly limits: SlowLimits,
  ) {
    this.timer = setInterval(() => this.sweep(Date.now()), SWEEP_MS);
    this.timer.unref();
  }

  /**
   * Counts what goes out on the socket's transport and checks the limits after every write: once
   * Engine.IO handed the packets to the socket ("drain", synchronous after each flush), what is
   * left is what the kernel did not take; while the transport is busy, packets wait in the buffer.
   */
  track(socket: RelaySocket): void {
    const out = socket.data.outbound;
    const conn = socket.conn;
    this.open.set(conn, out);
    conn.on("packetCreate", (packet: Packet) => {
      if (packet.type === "message") out.sent += 1;
      out.queued += packetBytes(packet);
      if (!conn.transport.writable) this.check(socket, out); // it waits: no flush follows
    });
    // Engine.IO hands its whole write buffer to the transport on a flush, and empties it.
    conn.on("flush", () => {
      out.queued = 0;
    });
    conn.on("drain", () => this.check(socket, out));
    conn.once("close", () => this.open.delete(conn));
    socket.once("disconnect", () => this.forget(socket, out));
  }

  /** Bytes held for the socket's transport now. */
  buffered(socket: RelaySocket): number {
    return bufferedOf(socket.conn, socket.data.outbound);
  }

  /**
   * Whether a `resume` replay of these deltas fits what one connection may be sent at once: half
   * the hard limit (a replay is written in one step, so it all waits in the relay until the client
   * reads it). A longer one is answered with a snapshot instead, or the client would be cut for
   * catching up, and come back to the same replay.
   */
  replayFits(deltas: readonly OddsDeltaMessage[]): boolean {
    let bytes = 0;
    for (const delta of deltas) {
      bytes += deltaBytes(delta);
      if (bytes > this.limits.hardBytes / 2) return false;
    }
    return true;
  }

  /** A sport was just joined: a slow socket holds its current seq (the join sent what it needs). */
  subscribed(socket: RelaySocket, sport: string): void {
    socket.data.outbound.slow?.held.set(sport, this.cache.seq(sport) ?? 0);
  }

  /** Holds book-level prices for slow sockets in the event's rooms (broadcasts skip them). */
  holdBooks(books: EventBooks): void {
    for (const socket of this.slow) {
      const filter = socket.data.subs.events.get(books.eventId);
      const out = socket.data.outbound;
      if (!filter || !out.slow) continue;
      const taken = filterBooks(books, filter);
      if (!taken) continue;
      const held = out.slow.books.get(books.eventId);
      out.slow.books.set(books.eventId, held ? { ...taken, markets: { ...held.markets, ...taken.markets } } : taken);
      if (held) this.drop(out, 1);
    }
  }

  stats(socket: RelaySocket, now: number): ClientStats {
    const out = socket.data.outbound;
    const lag: Record<string, SportLag> = {};
    for (const sport of socket.data.subs.sports.keys()) {
      const current = this.cache.seq(sport) ?? 0;
      const seq = Math.min(current, out.slow?.held.get(sport) ?? current);
      lag[sport] = { seq, behind: current - seq, ms: current > seq && out.slow ? now - out.slow.since : 0 };
    }
    return { ts: now, sent: out.sent, conflated: out.conflated, dropped: out.dropped, bufferedBytes: this.buffered(socket), slow: out.slow !== null, lag };
  }

  /** Adds what the socket sent since the last report to relay_messages_sent_total. */
  report(out: Outbound): void {
    if (out.sent > out.reported) this.metrics.messagesSent.inc(out.sent - out.reported);
    out.reported = out.sent;
  }

  totalBuffered(): number {
    let total = 0;
    for (const [conn, out] of this.open) total += bufferedOf(conn, out);
    return total;
  }

  peakBuffered(): number {
    return this.peak;
  }

  slowCount(): number {
    return this.slow.size;
  }

  close(): void {
    clearInterval(this.timer);
  }

  private check(socket: RelaySocket, out: Outbound): void {
    const bytes = bufferedOf(socket.conn, out);
    if (bytes > this.peak) this.peak = bytes;
    if (bytes <= this.limits.softBytes || !socket.connected) return;
    if (!out.slow) this.markSlow(socket, out, Date.now());
    if (bytes > this.limits.hardBytes) this.cut(socket, out, "hard_limit", bytes);
  }

  /** Synchronous, so no delta falls between what it was handed and the seqs recorded. */
  private markSlow(socket: RelaySocket, out: Outbound, now: number): void {
    const held = new Map<string, number>();
    for (const sport of socket.data.subs.sports.keys()) held.set(sport, this.cache.seq(sport) ?? 0);
    out.slow = { since: now, held, books: new Map() };
    socket.join(SLOW_ROOM);
    this.slow.add(socket);
    this.metrics.slowConsumers.inc();
  }

  private sweep(now: number): void {
    for (const socket of [...this.slow]) {
      const out = socket.data.outbound;
      const state = out.slow;
      if (!state || out.cut) continue;
      const bytes = bufferedOf(socket.conn, out);
      if (bytes > this.limits.hardBytes) this.cut(socket, out, "hard_limit", bytes);
      else if (now - state.since > this.limits.maxMs) this.cut(socket, out, "too_long", bytes);
      else if (bytes <= this.limits.lowBytes) this.recover(socket, out, state);
    }
  }

  /**
   * Drained: one merged delta (or resync snapshot) per sport from the seq it held to the current
   * one, then the held books, then deltas again. If that pushes it over the soft limit once more,
   * it is marked slow again at the current seqs, which is exactly what it has then been handed.
   */
  private recover(socket: RelaySocket, out: Outbound, state: SlowState): void {
    out.slow = null;
    this.slow.delete(socket);
    socket.leave(SLOW_ROOM);
    this.metrics.slowConsumers.dec();
    for (const [sport, filter] of socket.data.subs.sports) {
      const held = state.held.get(sport);
      if (held !== undefined) this.catchUp(socket, out, sport, filter, held);
    }
    for (const books of state.books.values()) socket.emit("event:books", books);
  }

  private catchUp(socket: RelaySocket, out: Outbound, sport: string, filter: Filter, held: number): void {
    const current = this.cache.seq(sport);
    if (current === null || current === held) return;
    const plan = this.cache.resumePlan(sport, held, []);
    if (plan.mode === "replay") {
      socket.emit("odds:delta", this.delivery.replay(sport, held, plan.deltas, filter));
      this.conflate(out, plan.deltas.length);
    } else if (plan.mode === "snapshot") {
      socket.emit("odds:snapshot", this.delivery.snapshot(sport, filter, true));
      this.conflate(out, Math.max(0, current - held));
    }
  }

  /**
   * Cuts a connection: held back from deltas at once, then (outside whatever broadcast is
   * running) told why and disconnected; its transport is destroyed if still open after the grace
   * period, so a client that reads nothing cannot hold the relay's memory.
   */
  private cut(socket: RelaySocket, out: Outbound, reason: CutReason, bytes: number): void {
    if (out.cut) return;
    out.cut = true; // always slow by now: check marks it first, and sweep walks only slow ones
    this.metrics.slowDisconnects.inc({ reason });
    this.log.warn({ socket: socket.id, ip: socket.handshake.address, reason, bytes }, "disconnecting a slow consumer");
    setImmediate(() => {
      const conn = socket.conn;
      if (socket.connected) {
        const message = reason === "hard_limit" ? `over ${this.limits.hardBytes} bytes waiting to be read` : `behind for over ${this.limits.maxMs} ms`;
        this.metrics.clientErrors.inc({ code: "slow_consumer" });
        socket.emit("error", { code: "slow_consumer", message: `too slow: ${message}; reconnect and resume` });
        socket.disconnect(true);
      }
      const timer = setTimeout(() => destroy(conn), this.limits.graceMs);
      timer.unref();
      conn.once("close", () => clearTimeout(timer));
    });
  }

  private forget(socket: RelaySocket, out: Outbound): void {
    this.report(out);
    if (!out.slow) return;
    this.drop(out, out.slow.books.size);
    out.slow = null;
    this.slow.delete(socket);
    this.metrics.slowConsumers.dec();
  }

  private conflate(out: Outbound, deltas: number): void {
    out.conflated += deltas;
    this.metrics.deltasConflated.inc(deltas);
  }

  private drop(out: Outbound, messages: number): void {
    if (messages === 0) return;
    out.dropped += messages;
    this.metrics.messagesDropped.inc({ event: "event:books" }, messages);
  }
}

const sizes = new WeakMap<OddsDeltaMessage, number>();

/** A delta's JSON length, measured once per delta (ring deltas are the same objects every time). */
function deltaBytes(delta: OddsDeltaMessage): number {
  let bytes = sizes.get(delta);
  if (bytes === undefined) sizes.set(delta, (bytes = JSON.stringify(delta.changes).length + 100));
  return bytes;
}

/** Bytes of a packet's payload (string length: odds JSON is ASCII but for names). */
function packetBytes(packet: Packet): number {
  const data = packet.data;
  if (typeof data === "string") return data.length + 1;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength + 1;
  return 1;
}

interface WebSocketLike {
  bufferedAmount: number;
  terminate(): void;
}

/** The `ws` socket under Engine.IO's websocket transport (null for polling). */
function webSocketOf(conn: Conn): WebSocketLike | null {
  const transport = conn.transport as unknown as { name: string; socket?: WebSocketLike };
  return transport.name === "websocket" && transport.socket ? transport.socket : null;
}

function bufferedOf(conn: Conn, out: Outbound): number {
  return out.queued + (webSocketOf(conn)?.bufferedAmount ?? 0);
}

function destroy(conn: Conn): void {
  if (conn.readyState === "closed") return;
  const ws = webSocketOf(conn);
  if (ws) ws.terminate();
  else conn.close(true);
}

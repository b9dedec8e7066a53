import type { EventBooks } from "../lib/protocol";

/**
 * A connection's outbound part: what the relay has written to it and what it holds for it.
 *
 * What the relay holds is Engine.IO's write buffer (packets not yet handed to the transport;
 * counted as packets are created and flushed) plus the WebSocket's `bufferedAmount` (bytes the
 * socket has not yet handed to the operating system). Both are read after every write, and the
 * owner is told (`written`), so it can hold the connection back (slow-consumers.ts). The counters
 * live as long as the transport: a connection cut for being slow is still counted until its
 * transport closes.
 */

/** While a connection is held back from odds deltas (slow-consumers.ts). */
export interface Holdback {
  /** When it was held back, ms since the epoch. */
  since: number;
  /** Per subscribed sport, the seq it was handed when held back (or when it subscribed since). */
  held: Map<string, number>;
  /** Per event, the book-level prices it missed, the latest per market. */
  books: Map<string, EventBooks>;
}

/** Engine.IO's connection (a socket's `conn`), as far as the outbound part reads it. */
export interface Transport {
  readonly readyState: string;
  readonly transport: { readonly writable: boolean; readonly name: string };
  on(event: "packetCreate", listener: (packet: Packet) => void): unknown;
  on(event: "flush" | "drain", listener: () => void): unknown;
  once(event: "close", listener: () => void): unknown;
  close(discard?: boolean): unknown;
}

type Packet = { type: string; data?: unknown };

/** What the outbound part tells its owner. */
export interface OutboundWatch {
  /** After a write: the bytes now held for the connection. */
  written(bytes: number): void;
  /** The transport closed: nothing is held for it any more. */
  closed(): void;
}

export class Outbound {
  /** Messages written to the connection since it opened. */
  sent = 0;
  /** Odds deltas it got inside a merged delta or a resync snapshot instead of one by one. */
  conflated = 0;
  /** `event:books` it never got: overtaken while it was held back, or held when it was cut. */
  dropped = 0;
  /** Set while held back from odds deltas. */
  slow: Holdback | null = null;
  /** Set once the relay decided to cut the connection. */
  cut = false;
  /** `sent` already added to relay_messages_sent_total. */
  private reported = 0;
  /** Bytes in Engine.IO's write buffer. */
  private queued = 0;
  private open = true;

  /**
   * Counts what goes out on `conn` and reports the bytes held after every write: once Engine.IO
   * handed its packets to the socket ("drain", synchronous after each flush), what is left is what
   * the kernel did not take; while the transport is busy, packets wait in the buffer.
   */
  constructor(
    private readonly conn: Transport,
    watch: OutboundWatch,
  ) {
    conn.on("packetCreate", (packet) => {
      if (packet.type === "message") this.sent += 1;
      this.queued += packetBytes(packet);
      if (!conn.transport.writable) watch.written(this.buffered()); // it waits: no flush follows
    });
    // Engine.IO hands its whole write buffer to the transport on a flush, and empties it.
    conn.on("flush", () => {
      this.queued = 0;
    });
    conn.on("drain", () => watch.written(this.buffered()));
    conn.once("close", () => {
      this.open = false;
      watch.closed();
    });
  }

  /** Bytes held for the connection now, not yet handed to the operating system. */
  buffered(): number {
    return this.queued + (webSocketOf(this.conn)?.bufferedAmount ?? 0);
  }

  /**
   * The connection was just handed `sport` at `seq` (a subscription sent what it needs). While it
   * is held back, its catch-up for the sport starts there.
   */
  handed(sport: string, seq: number): void {
    this.slow?.held.set(sport, seq);
  }

  /** Messages sent since the last call (for relay_messages_sent_total, added up in rounds). */
  unreported(): number {
    const count = this.sent - this.reported;
    this.reported = this.sent;
    return count;
  }

  /**
   * Destroys the transport if it is still open after `ms`. Engine.IO closes a transport only once
   * its buffer drained, which a client that reads nothing never lets happen.
   */
  destroyAfter(ms: number): void {
    if (!this.open) return;
    const timer = setTimeout(() => destroy(this.conn), ms);
    timer.unref();
    this.conn.once("close", () => clearTimeout(timer));
  }
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
function webSocketOf(conn: Transport): WebSocketLike | null {
  const transport = conn.transport as unknown as { name: string; socket?: WebSocketLike };
  return transport.name === "websocket" && transport.socket ? transport.socket : null;
}

function destroy(conn: Transport): void {
  if (conn.readyState === "closed") return;
  const ws = webSocketOf(conn);
  if (ws) ws.terminate();
  else conn.close(true);
}

import type { Identity } from "./auth";
import { Client, type ClientContext, type RelaySocket } from "./client";
import type { RelayMetrics } from "./metrics";
import type { Outbound } from "./outbound";
import type { SlowConsumers } from "./slow-consumers";

export interface HubDeps {
  /** The rooms of this instance's namespace, room → socket ids (Socket.IO's adapter). */
  rooms: ReadonlyMap<string, ReadonlySet<string>>;
  rate: ClientContext["rate"];
  seqOf: ClientContext["seqOf"];
  voids: ClientContext["voids"];
  slow: Pick<SlowConsumers, "over" | "forget">;
  /** Bytes held for a connection over which it is handed to the slow consumers. */
  softBytes: number;
  metrics: ClientContext["metrics"] & Pick<RelayMetrics, "connections">;
}

/**
 * Every connection this relay instance holds, and the relay-wide walks over them: the stats push,
 * revocations (by room), the bytes held for all of them. A Client
 * enters at `connect` and leaves when it closes; its transport is counted until it closes too,
 * which for a client cut for reading nothing is up to a grace period later.
 */
export class Hub {
  private readonly clients = new Map<string, Client>();
  /** Open transports' outbound parts, a closed client's included until its transport closes. */
  private readonly open = new Set<Outbound>();
  private readonly context: ClientContext;
  private statsTimer: NodeJS.Timeout | null = null;
  private peak = 0;

  constructor(private readonly deps: HubDeps) {
    this.context = {
      rate: deps.rate,
      seqOf: deps.seqOf,
      voids: deps.voids,
      metrics: deps.metrics,
      written: (client, bytes) => this.written(client, bytes),
      released: (client) => this.open.delete(client.outbound),
      closed: (client) => this.closed(client),
    };
  }

  /** Takes on a socket that finished its handshake with `identity`: its Client, registered here. */
  connect(socket: RelaySocket, identity: Identity): Client {
    const client = new Client(socket, identity, this.context);
    this.clients.set(client.id, client);
    this.open.add(client.outbound);
    this.deps.metrics.connections.inc();
    return client;
  }

  /** Every client held now (a copy: closing clients while walking it is safe). */
  all(): Client[] {
    return [...this.clients.values()];
  }

  /** The clients in one of this instance's rooms (a copy, as `all`). */
  inRoom(room: string): Client[] {
    const ids = [...(this.deps.rooms.get(room) ?? [])];
    return ids.flatMap((id) => this.clients.get(id) ?? []);
  }

  /** Bytes held for all open transports now. */
  bufferedBytes(): number {
    let total = 0;
    for (const outbound of this.open) total += outbound.buffered();
    return total;
  }

  /** The most bytes ever held for one connection. */
  peakBufferedBytes(): number {
    return this.peak;
  }

  /**
   * Pushes every client its delivery counters (`stats`) every `intervalMs`: one timer for the whole
   * relay, not one per client. Each round also adds the messages sent since the last one to
   * relay_messages_sent_total, so that counter costs nothing per message.
   */
  pushStats(intervalMs: number): void {
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.statsTimer = setInterval(() => {
      const now = Date.now();
      for (const client of this.clients.values()) if (client.connected) client.pushStats(now);
    }, intervalMs);
    this.statsTimer.unref();
  }

  /** Stops the relay-wide timers; the clients close with their transports (io.close). */
  close(): void {
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.statsTimer = null;
  }

  private written(client: Client, bytes: number): void {
    if (bytes > this.peak) this.peak = bytes;
    if (bytes > this.deps.softBytes && client.connected) this.deps.slow.over(client, bytes);
  }

  private closed(client: Client): void {
    this.deps.slow.forget(client);
    if (this.clients.delete(client.id)) this.deps.metrics.connections.dec();
  }
}

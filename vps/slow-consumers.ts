import type { Logger } from "../lib/log";
import type { EventBooks, ServerToClientEvents } from "../lib/protocol";
import type { CloseReason } from "./client";
import { type Delivery, SLOW_ROOM } from "./delivery";
import { type Filter, filterBooks } from "./filters";
import type { RelayMetrics } from "./metrics";
import type { Holdback, Outbound } from "./outbound";
import type { SportCache } from "./sport-cache";

/**
 * Slow consumers: the connections that do not read as fast as odds move, and only those.
 *
 * A connection over the soft limit (the hub sees every write, hub.ts) is handed here: it joins
 * the `slow` room, which every odds broadcast skips, so it costs nothing per delta; the seq it
 * was handed of each sport is recorded in that same synchronous step, between two deltas. Small
 * messages (user updates, chat, event updates, feed status) keep flowing; `event:books` are held,
 * the latest per event and market.
 *
 * A sweep over the slow connections (every 200 ms) brings back those that drained under the low
 * watermark with one merged delta per sport (or a resync snapshot when the ring no longer reaches
 * back) and the held books, and cuts those over the hard limit or slow for too long: the client
 * closes with `slow_consumer` (told why first), and, if its transport has not closed after a
 * grace period (a client that reads nothing never takes the close), the transport is destroyed.
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

/** What slow-consumer handling needs of a connection (a Client, client.ts). */
export interface SlowMember {
  readonly id: string;
  readonly address: string;
  readonly connected: boolean;
  readonly outbound: Pick<Outbound, "slow" | "cut" | "conflated" | "dropped" | "buffered" | "destroyAfter">;
  readonly subscriptions: { readonly sports: ReadonlyMap<string, Filter>; readonly events: ReadonlyMap<string, Filter> };
  join(room: string): void;
  leave(room: string): void;
  send<E extends keyof ServerToClientEvents>(event: E, ...args: Parameters<ServerToClientEvents[E]>): void;
  close(reason: CloseReason): void;
}

export type CutReason = "hard_limit" | "too_long";

/** How often slow connections are looked at, ms. */
const SWEEP_MS = 200;

export class SlowConsumers {
  private readonly slow = new Set<SlowMember>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly cache: Pick<SportCache, "seq" | "resumePlan">,
    private readonly delivery: Pick<Delivery, "replay" | "snapshot">,
    private readonly metrics: Pick<RelayMetrics, "slowConsumers" | "slowDisconnects" | "deltasConflated" | "messagesDropped">,
    private readonly log: Logger,
    private readonly limits: SlowLimits,
  ) {
    this.timer = setInterval(() => this.sweep(Date.now()), SWEEP_MS);
    this.timer.unref();
  }

  /** A connected member holds `bytes`, over the soft limit: held back (if not yet), and cut over the hard one. */
  over(member: SlowMember, bytes: number): void {
    if (!member.outbound.slow) this.holdBack(member, Date.now());
    if (bytes > this.limits.hardBytes) this.cut(member, "hard_limit", bytes);
  }

  /** Holds book-level prices for slow members subscribed to the event (broadcasts skip them). */
  holdBooks(books: EventBooks): void {
    for (const member of this.slow) {
      const filter = member.subscriptions.events.get(books.eventId);
      const holdback = member.outbound.slow;
      if (!filter || !holdback) continue;
      const taken = filterBooks(books, filter);
      if (!taken) continue;
      const held = holdback.books.get(books.eventId);
      holdback.books.set(books.eventId, held ? { ...taken, markets: { ...held.markets, ...taken.markets } } : taken);
      if (held) this.drop(member, 1);
    }
  }

  /** The member closed: what it held back is dropped, and it is no longer slow. */
  forget(member: SlowMember): void {
    const holdback = member.outbound.slow;
    if (!holdback) return;
    this.drop(member, holdback.books.size);
    member.outbound.slow = null;
    this.slow.delete(member);
    this.metrics.slowConsumers.dec();
  }

  count(): number {
    return this.slow.size;
  }

  close(): void {
    clearInterval(this.timer);
  }

  /** Synchronous, so no delta falls between what it was handed and the seqs recorded. */
  private holdBack(member: SlowMember, now: number): void {
    const held = new Map<string, number>();
    for (const sport of member.subscriptions.sports.keys()) held.set(sport, this.cache.seq(sport) ?? 0);
    member.outbound.slow = { since: now, held, books: new Map() };
    member.join(SLOW_ROOM);
    this.slow.add(member);
    this.metrics.slowConsumers.inc();
  }

  private sweep(now: number): void {
    for (const member of [...this.slow]) {
      const holdback = member.outbound.slow;
      if (!holdback || member.outbound.cut) continue;
      const bytes = member.outbound.buffered();
      if (bytes > this.limits.hardBytes) this.cut(member, "hard_limit", bytes);
      else if (now - holdback.since > this.limits.maxMs) this.cut(member, "too_long", bytes);
      else if (bytes <= this.limits.lowBytes) this.recover(member, holdback);
    }
  }

  /**
   * Drained: one merged delta (or resync snapshot) per sport from the seq it held to the current
   * one, then the held books, then deltas again. If that pushes it over the soft limit once more,
   * it is held back again at the current seqs, which is exactly what it has then been handed.
   */
  private recover(member: SlowMember, holdback: Holdback): void {
    member.outbound.slow = null;
    this.slow.delete(member);
    member.leave(SLOW_ROOM);
    this.metrics.slowConsumers.dec();
    for (const [sport, filter] of member.subscriptions.sports) {
      const held = holdback.held.get(sport);
      if (held !== undefined) this.catchUp(member, sport, filter, held);
    }
    for (const books of holdback.books.values()) member.send("event:books", books);
  }

  private catchUp(member: SlowMember, sport: string, filter: Filter, held: number): void {
    const current = this.cache.seq(sport);
    if (current === null || current === held) return;
    const plan = this.cache.resumePlan(sport, held, []);
    if (plan.mode === "replay") {
      member.send("odds:delta", this.delivery.replay(sport, held, plan.deltas, filter));
      this.conflate(member, plan.deltas.length);
    } else if (plan.mode === "snapshot") {
      member.send("odds:snapshot", this.delivery.snapshot(sport, filter, true));
      this.conflate(member, Math.max(0, current - held));
    }
  }

  /**
   * Cuts a member: held back from deltas at once, then (outside whatever broadcast is running)
   * closed with `slow_consumer`; its transport is destroyed if still open after the grace
   * period, so a client that reads nothing cannot hold the relay's memory.
   */
  private cut(member: SlowMember, reason: CutReason, bytes: number): void {
    if (member.outbound.cut) return;
    member.outbound.cut = true; // always slow by now: `over` holds it back first, and the sweep walks only slow ones
    this.metrics.slowDisconnects.inc({ reason });
    this.log.warn({ socket: member.id, ip: member.address, reason, bytes }, "disconnecting a slow consumer");
    const message = reason === "hard_limit" ? `over ${this.limits.hardBytes} bytes waiting to be read` : `behind for over ${this.limits.maxMs} ms`;
    setImmediate(() => {
      member.close({ kind: "slow_consumer", message: `too slow: ${message}; reconnect and resume` });
      member.outbound.destroyAfter(this.limits.graceMs);
    });
  }

  private conflate(member: SlowMember, deltas: number): void {
    member.outbound.conflated += deltas;
    this.metrics.deltasConflated.inc(deltas);
  }

  private drop(member: SlowMember, messages: number): void {
    if (messages === 0) return;
    member.outbound.dropped += messages;
    this.metrics.messagesDropped.inc({ event: "event:books" }, messages);
  }
}

import type { EventEmitter } from "node:events";
import { type EventBooks, type OddsDelta, type OddsDeltaMessage, type OddsSnapshot, ROOMS, type WireDelta, packDelta } from "../lib/protocol";
import { mergeDeltas } from "./conflation";
import { type Filter, filterBooks, filterDelta, filterSnapshot, parseFilteredRoom, sportRoom } from "./filters";
import type { RelayMetrics } from "./metrics";
import type { SportCache } from "./sport-cache";

/**
 * Sends odds and book-level prices to the rooms that take them: the plain `sport:<key>` and
 * `event:<id>` rooms whole, and each filtered room (one per distinct filter in use here, see
 * filters.ts) its own cut, computed once per message and broadcast once. Slow consumers (the
 * `slow` room, see slow-consumers.ts) are left out of every odds broadcast; they catch up with a
 * merged delta when they drain.
 *
 * The filtered rooms in use are learned from the adapter's room events, so a room that empties
 * (its last socket left or disconnected) stops costing anything at once.
 */

/** Sockets that odds broadcasts skip (see slow-consumers.ts). */
export const SLOW_ROOM = "slow";

interface Variant {
  room: string;
  filter: Filter;
  /** The last filtered snapshot and the unfiltered event list it was cut from. */
  snapshot: { of: readonly unknown[]; value: OddsSnapshot } | null;
}

type Broadcaster = {
  to(room: string | string[]): { except(room: string): { emit(event: string, payload: unknown): boolean } };
};

export interface Adapter extends EventEmitter {
  rooms: Map<string, Set<string>>;
}

export class Delivery {
  private readonly sportVariants = new Map<string, Map<string, Variant>>();
  private readonly eventVariants = new Map<string, Map<string, Variant>>();
  /** Per sport, the resume replays built at its current seq, by (resumed seq, room). */
  private readonly replays = new Map<string, { seq: number; built: Map<string, WireDelta> }>();

  constructor(
    private readonly local: Broadcaster,
    private readonly adapter: Adapter,
    private readonly cache: SportCache,
    private readonly metrics: RelayMetrics,
  ) {
    adapter.on("create-room", (room: string) => this.created(room));
    adapter.on("delete-room", (room: string) => this.deleted(room));
  }

  /** Filtered rooms in use on this instance. */
  variantCount(): number {
    let count = 0;
    for (const variants of [...this.sportVariants.values(), ...this.eventVariants.values()]) count += variants.size;
    return count;
  }

  /**
   * Broadcasts one applied delta. Rooms whose filter takes it whole share the unfiltered
   * broadcast, rooms left with nothing share one empty delta (it still moves their seq), and every
   * other filtered room gets its own cut.
   */
  delta(sport: string, delta: OddsDeltaMessage): void {
    const whole = [ROOMS.sport(sport)];
    const empty: string[] = [];
    const cuts: [string, OddsDelta][] = [];
    for (const variant of this.sportVariants.get(sport)?.values() ?? []) {
      const filtered = filterDelta(delta, variant.filter);
      if (filtered === delta) whole.push(variant.room);
      else if (filtered.changes.length === 0) empty.push(variant.room);
      else cuts.push([variant.room, filtered]);
    }
    // Packed once per variant: every room of a variant is sent the same encoded frame.
    const packed = packDelta(delta);
    this.send(whole, "odds:delta", packed);
    if (empty.length) this.send(empty, "odds:delta", { ...packed, byEvent: {} });
    for (const [room, filtered] of cuts) this.send([room], "odds:delta", packDelta(filtered));
  }

  /**
   * What a connection catching up from `since` is sent (a `replay: "merged"` resume, or a slow
   * consumer that drained): the deltas it missed (`deltas`, contiguous from `since` to the sport's
   * current seq) merged into one whose prevSeq is `since`, cut by its filter and packed. One
   * message instead of one per missed delta: when a relay restarts, its thousands of clients
   * resume at once, mostly from the same seq, and each distinct (seq, filter) is merged and packed
   * once for all of them.
   */
  replay(sport: string, since: number, deltas: readonly OddsDeltaMessage[], filter: Filter): WireDelta {
    const seq = deltas[deltas.length - 1]?.seq ?? since;
    let memo = this.replays.get(sport);
    if (!memo || memo.seq !== seq) this.replays.set(sport, (memo = { seq, built: new Map() }));
    const key = `${since}|${sportRoom(sport, filter)}`;
    let wire = memo.built.get(key);
    if (!wire) {
      wire = packDelta(filterDelta(mergeDeltas(since, deltas), filter));
      memo.built.set(key, wire);
    }
    return wire;
  }

  /** After the sport's state was reloaded: every room gets a snapshot flagged resync. */
  resync(sport: string): void {
    this.metrics.resyncs.inc({ sport });
    this.send([ROOMS.sport(sport)], "odds:snapshot", this.cache.snapshot(sport, true));
    for (const variant of this.sportVariants.get(sport)?.values() ?? []) this.send([variant.room], "odds:snapshot", this.snapshot(sport, variant.filter, true));
  }

  /**
   * The sport's state under `filter`. A filtered room's snapshot is cut once per state change and
   * shared by every subscriber that joins it meanwhile.
   */
  snapshot(sport: string, filter: Filter, resync = false): OddsSnapshot {
    if (!filter.markets) return this.cache.snapshot(sport, resync);
    const whole = this.cache.snapshot(sport);
    const variant = this.sportVariants.get(sport)?.get(sportRoom(sport, filter));
    // The cache builds a new event list on every change, so the same list means the same state.
    let value = variant?.snapshot?.of === whole.events ? variant.snapshot.value : null;
    if (!value) {
      value = filterSnapshot(whole, filter);
      if (variant) variant.snapshot = { of: whole.events, value };
    }
    return resync ? { ...value, resync: true } : value;
  }

  /** Book-level prices to the event's rooms, each cut by its filter; none to slow consumers. */
  books(books: EventBooks): void {
    this.send([ROOMS.event(books.eventId)], "event:books", books);
    for (const variant of this.eventVariants.get(books.eventId)?.values() ?? []) {
      const filtered = filterBooks(books, variant.filter);
      if (filtered) this.send([variant.room], "event:books", filtered);
    }
  }

  /** Every room of a sport: the plain one and the filtered ones. */
  sportRooms(sport: string): string[] {
    return [ROOMS.sport(sport), ...(this.sportVariants.get(sport)?.keys() ?? [])];
  }

  /** Every room of an event: the plain one and the filtered ones. */
  eventRooms(eventId: string): string[] {
    return [ROOMS.event(eventId), ...(this.eventVariants.get(eventId)?.keys() ?? [])];
  }

  /** One broadcast to the rooms that exist here (Socket.IO would encode it even for none). */
  private send(rooms: string[], event: string, payload: unknown): void {
    const held = rooms.filter((room) => this.adapter.rooms.has(room));
    if (held.length === 0) return;
    this.local.to(held).except(SLOW_ROOM).emit(event, payload);
    this.metrics.emitted.inc({ event });
  }

  private created(room: string): void {
    const parsed = parseFilteredRoom(room);
    if (!parsed) return;
    const registry = parsed.kind === "sport" ? this.sportVariants : this.eventVariants;
    let variants = registry.get(parsed.key);
    if (!variants) registry.set(parsed.key, (variants = new Map()));
    variants.set(room, { room, filter: parsed.filter, snapshot: null });
  }

  private deleted(room: string): void {
    const parsed = parseFilteredRoom(room);
    if (!parsed) return;
    const registry = parsed.kind === "sport" ? this.sportVariants : this.eventVariants;
    const variants = registry.get(parsed.key);
    variants?.delete(room);
    if (variants?.size === 0) registry.delete(parsed.key);
  }
}

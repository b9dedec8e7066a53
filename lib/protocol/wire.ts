import { z } from "zod";
import { Change } from "./changes";
import { EventOdds, Id, SportKey } from "./odds";

/**
 * A sport's odds as they travel, each shape written once: the snapshot (its whole state at a seq),
 * the delta (one seq's changes, as the bus and the history stream carry it), and the delta packed
 * by event (as the relay's socket and the replay route hand it to clients).
 */

export const OddsSnapshot = z.object({
  sport: SportKey,
  seq: z.number().int().min(0),
  /** Publisher clock when this state was committed, ms since epoch. */
  ts: z.number(),
  /** In board order: start time, then id. */
  events: z.array(EventOdds),
  /**
   * Set when this snapshot replaces state the client may hold (history did not reach back, or
   * the server rebuilt the sport): apply it even if its seq is not above the one held.
   */
  resync: z.boolean().optional(),
});
export type OddsSnapshot = z.infer<typeof OddsSnapshot>;

export const OddsDelta = z.object({
  sport: SportKey,
  seq: z.number().int().min(1),
  /**
   * The seq this delta applies on top of: `seq − 1`, except in a merged delta (a merged replay,
   * or a slow connection's catch-up), where it is the seq the connection held.
   */
  prevSeq: z.number().int().min(0),
  /** Publisher clock when this delta was committed, ms since epoch. */
  ts: z.number(),
  /**
   * When the earliest database write it carries was made (the start of that writer's
   * transaction, on the database's clock), ms since epoch: now − origin is what a bettor waited
   * since the price changed. Absent when nothing in it came from a captured write.
   */
  origin: z.number().optional(),
  /** In the order they apply (changes.ts). */
  changes: z.array(Change),
});
export type OddsDelta = z.infer<typeof OddsDelta>;

/**
 * The form a delta takes towards clients: its changes grouped by event, each event's as one flat
 * list `[path, value, path, value, …]` in the order they apply. An event that moves changes about
 * six fields at once (price, implied, fair, edge, best, …), so naming its id once instead of in
 * every change, and dropping the `eventId`/`path`/`value` keys, halves a delta's bytes. Changes of
 * different events touch different events, so grouping keeps the result of applying them; within
 * an event their order is kept.
 *
 * The socket's `odds:delta` and the replay route (`GET /api/sports/snapshot?since=`) are packed;
 * the bus, the history stream and the relay's cache keep `changes`. `packDelta` runs once per
 * delta (and per filter variant) in the relay; a client runs `readWireDelta`.
 */
export const WireDelta = OddsDelta.omit({ changes: true }).extend({
  /** eventId → [path, value, path, value, …]. Empty when nothing is left for this client. */
  byEvent: z.record(
    Id,
    z.array(z.unknown()).refine((list) => list.length % 2 === 0, "an event's changes are path, value pairs"),
  ),
});
export type WireDelta = z.infer<typeof WireDelta>;

export function packDelta(delta: OddsDelta): WireDelta {
  const byEvent: Record<string, unknown[]> = {};
  for (const change of delta.changes) (byEvent[change.eventId] ??= []).push(change.path, change.value);
  const wire: WireDelta = { sport: delta.sport, seq: delta.seq, prevSeq: delta.prevSeq, ts: delta.ts, byEvent };
  if (delta.origin !== undefined) wire.origin = delta.origin;
  return wire;
}

/** The delta a packed one stands for. Paths are not checked here: validate the result's changes. */
export function unpackDelta(wire: WireDelta): OddsDelta {
  const changes: Change[] = [];
  for (const [eventId, list] of Object.entries(wire.byEvent)) {
    for (let i = 0; i + 1 < list.length; i += 2) changes.push({ eventId, path: String(list[i]), value: list[i + 1] });
  }
  const delta: OddsDelta = { sport: wire.sport, seq: wire.seq, prevSeq: wire.prevSeq, ts: wire.ts, changes };
  if (wire.origin !== undefined) delta.origin = wire.origin;
  return delta;
}

/**
 * A delta as it came off the wire, unpacked, with its envelope checked once and each change
 * against the schema of its path; null when anything in it is malformed.
 */
export function readWireDelta(raw: unknown): OddsDelta | null {
  const wire = WireDelta.safeParse(raw);
  if (!wire.success) return null;
  const delta = unpackDelta(wire.data);
  const changes = OddsDelta.shape.changes.safeParse(delta.changes);
  return changes.success ? { ...delta, changes: changes.data } : null;
}

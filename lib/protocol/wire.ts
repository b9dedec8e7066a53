import { z } from "zod";
import type { Change } from "./changes";
import { type OddsDelta, OddsDeltaSchema } from "./messages";
import { Id } from "./odds";

/**
 * The form a delta takes on the relay → client wire: its changes grouped by event, each event's as
 * one flat list `[path, value, path, value, …]` in the order they apply. An event that moves
 * changes about six fields at once (price, implied, fair, edge, best, …), so naming its id once
 * instead of in every change, and dropping the `eventId`/`path`/`value` keys, halves a delta's
 * bytes. Changes of different events touch different events, so grouping keeps the result of
 * applying them; within an event their order is kept.
 *
 * Only the client wire is packed: the bus, the history stream and the relay's cache keep
 * `changes: Change[]`. `packDelta` runs once per delta (and per filter variant) in the relay;
 * `unpackDelta` runs in the client before the delta is validated and applied.
 */
export type WireDelta = Omit<OddsDelta, "changes"> & {
  /** eventId → [path, value, path, value, …]. Empty when nothing is left for this client. */
  byEvent: Record<string, unknown[]>;
};

/** A delta's envelope as OddsDeltaSchema checks it, with its changes packed. */
export const WireDeltaSchema = OddsDeltaSchema.omit({ changes: true }).extend({
  byEvent: z.record(
    Id,
    z.array(z.unknown()).refine((list) => list.length % 2 === 0, "an event's changes are path, value pairs"),
  ),
});

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
  const wire = WireDeltaSchema.safeParse(raw);
  if (!wire.success) return null;
  const delta = unpackDelta(wire.data);
  const changes = OddsDeltaSchema.shape.changes.safeParse(delta.changes);
  return changes.success ? { ...delta, changes: changes.data } : null;
}

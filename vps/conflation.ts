import type { Change, OddsDelta } from "../lib/protocol";

/**
 * Conflation for slow consumers: the deltas a connection missed, sent as one.
 *
 * A merged delta goes from the seq the connection held (`prevSeq`) to the current seq in one step,
 * carrying the missed deltas' changes in order, compacted: a change that a later change of the
 * same event overwrites (the same path, or a path above it) is left out. Applying the merged
 * delta gives exactly the state that applying every missed delta in turn would.
 */

/**
 * Changes in order without the ones a later change makes irrelevant.
 *
 * @example
 * compactChanges([
 *   { eventId: "e1", path: "markets.h2h.outcomes.home.price", value: 2.1 },
 *   { eventId: "e1", path: "markets.h2h", value: null },          // removes the market: the price move is moot
 *   { eventId: "e1", path: "status", value: "suspended" },
 * ]) // → the last two
 */
export function compactChanges(changes: readonly Change[]): Change[] {
  const written = new Map<string, Set<string>>();
  const kept: Change[] = [];
  for (let i = changes.length - 1; i >= 0; i -= 1) {
    const change = changes[i] as Change;
    let later = written.get(change.eventId);
    if (later && coveredBy(change.path, later)) continue;
    kept.push(change);
    if (!later) written.set(change.eventId, (later = new Set()));
    later.add(change.path);
  }
  return kept.reverse();
}

/** Whether `path` or one of the paths above it (down to the whole event, "") is in `paths`. */
function coveredBy(path: string, paths: ReadonlySet<string>): boolean {
  if (paths.has("") || paths.has(path)) return true;
  for (let dot = path.indexOf("."); dot !== -1; dot = path.indexOf(".", dot + 1)) {
    if (paths.has(path.slice(0, dot))) return true;
  }
  return false;
}

/**
 * One delta from `prevSeq` to the last of `deltas` (contiguous, the first following `prevSeq`).
 * `ts` is the last delta's; `origin` the earliest any of them carries.
 */
export function mergeDeltas(prevSeq: number, deltas: readonly OddsDelta[]): OddsDelta {
  const last = deltas[deltas.length - 1];
  if (!last) throw new Error("mergeDeltas needs at least one delta");
  const merged: OddsDelta = { sport: last.sport, seq: last.seq, prevSeq, ts: last.ts, changes: compactChanges(deltas.flatMap((delta) => delta.changes)) };
  // A loop, not Math.min(...): a long replay ring would overflow the call's arguments.
  for (const delta of deltas) if (delta.origin !== undefined && (merged.origin === undefined || delta.origin < merged.origin)) merged.origin = delta.origin;
  return merged;
}

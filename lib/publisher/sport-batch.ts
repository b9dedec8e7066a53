import type { Change, EventOdds, EventUpdateMessage } from "../protocol";
import type { CapturedChange } from "./change-capture";
import { diffEvent } from "./diff";
import type { EventWrite } from "./state-store";

/** One sport's part of a step: the events to write, their leaf changes, and their `event:update`s. */
export interface SportBatch {
  writes: EventWrite[];
  changes: Change[];
  updates: EventUpdateMessage[];
}

/** What batching reads of the board: where each event is and how it was last committed. */
export interface CommittedBoard {
  sportOf(eventId: string): string | undefined;
  eventIn(sport: string, eventId: string): EventOdds | undefined;
}

export function emptyBatch(): SportBatch {
  return { writes: [], changes: [], updates: [] };
}

/**
 * Groups the diffs of `next` (eventId → the event as priced now, null when it left the board)
 * against the committed board by sport. An event that moved sport is removed from the old one.
 * Events that did not change are in no batch.
 */
export function batchBySport(board: CommittedBoard, next: ReadonlyMap<string, EventOdds | null>): Map<string, SportBatch> {
  const batches = new Map<string, SportBatch>();
  const batchFor = (sport: string) => {
    let batch = batches.get(sport);
    if (!batch) batches.set(sport, (batch = emptyBatch()));
    return batch;
  };
  for (const [id, event] of next) {
    const oldSport = board.sportOf(id);
    if (oldSport !== undefined && oldSport !== event?.sport) {
      stage(batchFor(oldSport), id, board.eventIn(oldSport, id), undefined);
    }
    if (event) stage(batchFor(event.sport), id, board.eventIn(event.sport, id), event);
  }
  return batches;
}

function stage(batch: SportBatch, id: string, prev: EventOdds | undefined, next: EventOdds | undefined): void {
  const changes = diffEvent(id, prev, next);
  if (changes.length === 0) return;
  batch.changes.push(...changes);
  batch.writes.push({ eventId: id, event: next ?? null });
  const update = eventUpdate(prev, next);
  if (update) batch.updates.push(update);
}

/** The `event:update` for a status, phase or score move; null when none moved or the event came or went. */
export function eventUpdate(prev: EventOdds | undefined, next: EventOdds | undefined): EventUpdateMessage | null {
  if (!prev || !next) return null; // added or removed: the odds delta itself says so
  const scoreMoved = JSON.stringify(prev.score) !== JSON.stringify(next.score);
  if (prev.status === next.status && prev.phase === next.phase && !scoreMoved) return null;
  return { v: 1, type: "event:update", eventId: next.id, sport: next.sport, status: next.status, phase: next.phase, score: next.score, ts: Date.now() };
}

/** Per event, when the earliest of its drained writes was made, ms since epoch. */
export function earliestWrites(changes: readonly CapturedChange[]): Map<string, number> {
  const earliest = new Map<string, number>();
  for (const change of changes) {
    const at = change.at.getTime();
    if (at < (earliest.get(change.eventId) ?? Number.POSITIVE_INFINITY)) earliest.set(change.eventId, at);
  }
  return earliest;
}

/** When the earliest write behind a sport's batch was made, ms since epoch; undefined when none was captured. */
export function originOf(batch: Pick<SportBatch, "writes">, origins: ReadonlyMap<string, number>): number | undefined {
  let origin: number | undefined;
  for (const write of batch.writes) {
    const at = origins.get(write.eventId);
    if (at !== undefined && (origin === undefined || at < origin)) origin = at;
  }
  return origin;
}

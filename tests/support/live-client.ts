import type { Db } from "../../lib/db";
import { LiveConnection } from "../../lib/live/connection";
import { OddsStore } from "../../lib/live/odds-store";
import { DEFAULT_MARGIN_METHOD } from "../../lib/odds";
import { type EventOdds, type OddsDelta, type OddsSnapshot, boardSport, unpackDelta } from "../../lib/protocol";
import { eventOddsSelect, isOnBoard, toEventOdds } from "../../lib/publisher/pricing";
import type { TestClient } from "./client";

/** What one client was handed, per sport, in order. */
export type Received = { kind: "snapshot"; seq: number; resync: boolean } | { kind: "delta"; seq: number; prevSeq: number };

/** The browser's real store, recording every snapshot and delta the real connection feeds it. */
export class RecordingStore extends OddsStore {
  readonly received = new Map<string, Received[]>();

  override applySnapshot(snapshot: OddsSnapshot): boolean {
    this.log(snapshot.sport, { kind: "snapshot", seq: snapshot.seq, resync: snapshot.resync === true });
    return super.applySnapshot(snapshot);
  }

  override applyDelta(delta: OddsDelta) {
    this.log(delta.sport, { kind: "delta", seq: delta.seq, prevSeq: delta.prevSeq });
    return super.applyDelta(delta);
  }

  /** The events held for a sport, as a plain map. */
  board(sport: string): Map<string, EventOdds> {
    const out = new Map<string, EventOdds>();
    for (const group of this.groups(sport) ?? []) for (const id of group.ids) out.set(id, this.event(sport, id) as EventOdds);
    return out;
  }

  private log(sport: string, entry: Received): void {
    const list = this.received.get(sport) ?? [];
    list.push(entry);
    this.received.set(sport, list);
  }
}

/** A test client whose snapshots and deltas feed the browser's real store, recording the seq chain. */
export interface Follower {
  client: TestClient;
  store: RecordingStore;
  /** Gaps the store reported. */
  gaps: number;
}

export function follow(client: TestClient): Follower {
  const follower: Follower = { client, store: new RecordingStore(), gaps: 0 };
  follower.store.onGap = () => (follower.gaps += 1);
  client.socket.on("odds:snapshot", (snapshot) => follower.store.applySnapshot(snapshot));
  client.socket.on("odds:delta", (delta) => follower.store.applyDelta(unpackDelta(delta)));
  return follower;
}

export interface LiveClient {
  store: RecordingStore;
  connection: LiveConnection;
}

/**
 * The page's client stack in Node: LiveConnection + store, following `sports`. Pass the store of
 * a closed client to come back as a reconnecting page does (it resumes from the seqs it holds).
 */
export function liveClient(url: string, sports: string[], store = new RecordingStore()): LiveClient {
  const connection = new LiveConnection(url, store);
  for (const sport of sports) connection.follow(sport);
  connection.connect();
  return { store, connection };
}

/**
 * Checks that a client saw every seq exactly once: after its first snapshot, deltas arrive as
 * consecutive seqs with none repeated or skipped; a later snapshot may only move forward, and
 * counts as a resync (the test decides whether any are allowed).
 */
export function sequenceReport(received: Received[]): { first: number; last: number; duplicates: number[]; gaps: Array<[number, number]>; resyncs: number } {
  const report = { first: -1, last: -1, duplicates: [] as number[], gaps: [] as Array<[number, number]>, resyncs: 0 };
  const seen = new Set<number>();
  for (const entry of received) {
    if (entry.kind === "snapshot") {
      if (report.last === -1) report.first = entry.seq;
      else if (entry.seq !== report.last || entry.resync) report.resyncs += 1;
      report.last = entry.seq;
      continue;
    }
    // Chained on prevSeq, as the page checks: a merged delta (a resume's replay, a slow
    // connection's catch-up) spans several seqs and follows exactly the seq held.
    if (seen.has(entry.seq) || entry.seq <= report.last) report.duplicates.push(entry.seq);
    else if (entry.prevSeq !== report.last) report.gaps.push([report.last, entry.seq]);
    seen.add(entry.seq);
    report.last = Math.max(report.last, entry.seq);
  }
  return report;
}

/** The board as the publisher must show it, computed from Postgres now. */
export async function boardFromDatabase(
  db: Db,
  pricing = { margin: 0.05, liquidity: 5_000, method: DEFAULT_MARGIN_METHOD },
): Promise<Map<string, Map<string, EventOdds>>> {
  const rows = await db.event.findMany({ select: eventOddsSelect });
  const board = new Map<string, Map<string, EventOdds>>();
  for (const row of rows) {
    if (!isOnBoard(row)) continue;
    const sport = boardSport(row) ?? "";
    const events = board.get(sport) ?? new Map<string, EventOdds>();
    events.set(row.id, toEventOdds(row, pricing));
    board.set(sport, events);
  }
  return board;
}

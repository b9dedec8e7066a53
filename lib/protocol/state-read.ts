import { HistoryMessage, type OddsDeltaMessage, SportsSummaryMessage, parseJson } from "./bus";
import type { SportsSummary } from "./messages";
import type { OddsSnapshot } from "./wire";
import { KEYS } from "./names";
import { EventOdds } from "./odds";
import { PRICE_HISTORY, PricePoint } from "./event-detail";
import { SourceReport } from "./source";

/** The ioredis methods this module needs, so lib/protocol stays free of a client dependency. */
export interface RedisEval {
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

export interface RedisGet {
  get(key: string): Promise<string | null>;
}

/** The board's last summary (event counts per sport), or null when none was published or it does not parse. */
export async function readSummary(redis: RedisGet): Promise<SportsSummary | null> {
  const raw = await redis.get(KEYS.sportsSummary);
  if (raw === null) return null;
  const parsed = parseJson(SportsSummaryMessage, raw);
  if (!parsed.ok) return null;
  const { v, type, ...summary } = parsed.message;
  return summary;
}

/** The sports on the board: those of a summary with at least one event (none without a summary). */
export function sportsOnBoard(summary: SportsSummary | null): string[] {
  return (summary?.sports ?? []).filter((count) => count.events > 0).map((count) => count.sport);
}

export interface SportStateRead {
  seq: number;
  events: Map<string, EventOdds>;
  /** Entries that failed validation and were left out (logged by the caller). */
  invalid: number;
}

// The seq and the hash in one script: a reader never sees a seq that its events do not reflect.
const READ_SCRIPT = "return {redis.call('GET', KEYS[2]) or '0', redis.call('HGETALL', KEYS[1])}";

/** Reads one sport's canonical state (docs/protocol.md, "State in Redis") atomically. */
export async function readSportState(redis: RedisEval, sport: string): Promise<SportStateRead> {
  const reply = (await redis.eval(READ_SCRIPT, 2, KEYS.sportState(sport), KEYS.sportSeq(sport))) as [string, string[]];
  const [seq, flat] = reply;
  const events = new Map<string, EventOdds>();
  let invalid = 0;
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const event = parseStoredEvent(flat[i + 1] ?? "");
    if (!event || event.id !== flat[i]) {
      invalid += 1;
      continue;
    }
    events.set(event.id, event);
  }
  return { seq: Number(seq), events, invalid };
}

/** A sport's state as the snapshot a client is handed first: its seq and the events in board order. */
export async function readSnapshot(redis: RedisEval, sport: string): Promise<OddsSnapshot> {
  const state = await readSportState(redis, sport);
  return { sport, seq: state.seq, ts: Date.now(), events: sortEvents([...state.events.values()]) };
}

/** One event as stored in a sport's state hash, validated; null when it does not parse. */
export function parseStoredEvent(json: string): EventOdds | null {
  const parsed = parseJson(EventOdds, json);
  return parsed.ok ? parsed.message : null;
}

/** Board order: start time, then id, identical in every process. */
export function sortEvents(events: EventOdds[]): EventOdds[] {
  return events.sort((a, b) => (a.startsAt === b.startsAt ? a.id.localeCompare(b.id) : a.startsAt < b.startsAt ? -1 : 1));
}

// Seq and every history entry after a given seq, in one script.
const HISTORY_SCRIPT = "return {redis.call('GET', KEYS[1]) or '0', redis.call('XRANGE', KEYS[2], ARGV[1], '+', 'COUNT', ARGV[2])}";

type StreamEntry = [id: string, fields: string[]];

export interface HistoryRead {
  /** The sport's seq when the history was read. */
  seq: number;
  /** The deltas and resync markers after `afterSeq`, in seq order (possibly with holes if trimmed). */
  entries: HistoryMessage[];
}

/**
 * The messages after `afterSeq` from a sport's history stream, with the current seq, atomically.
 * The caller checks continuity (entries[0].seq === afterSeq + 1, consecutive, ending at `seq`).
 */
export async function readHistory(redis: RedisEval, sport: string, afterSeq: number, limit = 100_000): Promise<HistoryRead> {
  const reply = (await redis.eval(HISTORY_SCRIPT, 2, KEYS.sportSeq(sport), KEYS.sportHistory(sport), `${afterSeq + 1}-0`, limit)) as [string, StreamEntry[]];
  const [seq, raw] = reply;
  const entries: HistoryMessage[] = [];
  for (const [, fields] of raw) {
    const index = fields.indexOf("m");
    const parsed = index === -1 ? null : parseJson(HistoryMessage, fields[index + 1] ?? "");
    if (parsed?.ok) entries.push(parsed.message);
  }
  return { seq: Number(seq), entries };
}

/**
 * Whether `entries` are exactly the deltas afterSeq+1 … upTo, with no resync marker among them:
 * then replaying them is equivalent to taking a snapshot at `upTo`.
 */
export function isReplayable(entries: readonly HistoryMessage[], afterSeq: number, upTo: number): entries is OddsDeltaMessage[] {
  if (entries.length !== upTo - afterSeq) return false;
  return entries.every((entry, i) => entry.type === "odds:delta" && entry.seq === afterSeq + 1 + i && entry.prevSeq === afterSeq + i);
}

export interface RedisLists {
  lrange(key: string, start: number, stop: number): Promise<string[]>;
}

/** An event's stored price history within the window before `now`, oldest first; points that do not parse are left out. */
export async function readPriceHistory(redis: RedisLists, eventId: string, now: number): Promise<PricePoint[]> {
  const points = parsePriceHistory(await redis.lrange(KEYS.priceHistory(eventId), 0, -1));
  return points.filter((point) => point.t >= now - PRICE_HISTORY.windowMs);
}

/** The entries of a price history list that parse, oldest first (malformed ones are skipped). */
export function parsePriceHistory(raw: readonly string[]): PricePoint[] {
  const points: PricePoint[] = [];
  for (const entry of raw) {
    const parsed = parseJson(PricePoint, entry);
    if (parsed.ok) points.push(parsed.message);
  }
  return points;
}

/** The odds source's last report (The Odds API poller), or null when none is current or it does not parse. */
export async function readSourceReport(redis: RedisGet): Promise<SourceReport | null> {
  const raw = await redis.get(KEYS.sourceStatus);
  if (raw === null) return null;
  const parsed = parseJson(SourceReport, raw);
  return parsed.ok ? parsed.message : null;
}

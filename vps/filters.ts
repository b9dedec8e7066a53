import { type Change, type EventBooks, type EventOdds, type OddsDelta, type OddsSnapshot, ROOMS } from "../lib/protocol";

/**
 * Subscription filters: which markets of a sport (and which bookmakers of an event's book-level
 * prices) one subscription takes, and the room each distinct filter gets.
 *
 * Sockets with the same filter share a room, so a filtered delta is computed once per distinct
 * filter and broadcast once (Socket.IO encodes a room broadcast once). The room name carries the
 * filter itself, in a canonical form: `sport:soccer_epl|m=h2h,totals`,
 * `event:3f1c|m=h2h|b=bet365,pinnacle`. Unfiltered sockets stay in the plain `sport:<key>` and
 * `event:<id>` rooms.
 */

export interface Filter {
  /** Market keys taken; null: every market. */
  markets: ReadonlySet<string> | null;
  /** Bookmaker keys taken in `event:books`; null: every bookmaker. Sport rooms ignore it. */
  books: ReadonlySet<string> | null;
}

export const NO_FILTER: Filter = Object.freeze({ markets: null, books: null });

export function makeFilter(markets?: readonly string[], books?: readonly string[]): Filter {
  if (!markets && !books) return NO_FILTER;
  return { markets: markets ? new Set(markets) : null, books: books ? new Set(books) : null };
}

/** The part of a filter that applies to a sport's odds (its markets). */
export function sportPart(filter: Filter): Filter {
  return filter.markets ? { markets: filter.markets, books: null } : NO_FILTER;
}

/** Canonical text of a filter ("" for none): equal filters have equal keys. */
export function filterKey(filter: Filter): string {
  const parts: string[] = [];
  if (filter.markets) parts.push(`m=${[...filter.markets].sort().join(",")}`);
  if (filter.books) parts.push(`b=${[...filter.books].sort().join(",")}`);
  return parts.join("|");
}

export function sameFilter(a: Filter, b: Filter): boolean {
  return a === b || filterKey(a) === filterKey(b);
}

/** The room of a sport's subscribers with this filter (books play no part in odds). */
export function sportRoom(sport: string, filter: Filter): string {
  return withFilter(ROOMS.sport(sport), sportPart(filter));
}

/** The room of an event's subscribers with this filter. */
export function eventRoom(eventId: string, filter: Filter): string {
  return withFilter(ROOMS.event(eventId), filter);
}

function withFilter(base: string, filter: Filter): string {
  const key = filterKey(filter);
  return key ? `${base}|${key}` : base;
}

export interface FilteredRoom {
  kind: "sport" | "event";
  /** The sport key or event id. */
  key: string;
  filter: Filter;
}

/** Reads a filtered room name back (null for any other room, the plain sport and event rooms included). */
export function parseFilteredRoom(room: string): FilteredRoom | null {
  const [base = "", ...parts] = room.split("|");
  if (parts.length === 0) return null;
  const colon = base.indexOf(":");
  const kind = base.slice(0, colon);
  if (kind !== "sport" && kind !== "event") return null;
  let markets: Set<string> | null = null;
  let books: Set<string> | null = null;
  for (const part of parts) {
    const list = new Set(part.slice(2).split(","));
    if (part.startsWith("m=")) markets = list;
    else if (part.startsWith("b=")) books = list;
    else return null;
  }
  return { kind, key: base.slice(colon + 1), filter: { markets, books } };
}

/**
 * An event with only the markets in `markets`; the same object when it has no others, so an
 * event that passes whole costs nothing.
 */
export function filterEvent(event: EventOdds, markets: ReadonlySet<string>): EventOdds {
  const keys = Object.keys(event.markets);
  if (keys.every((key) => markets.has(key))) return event;
  const kept: EventOdds["markets"] = {};
  for (const key of keys) if (markets.has(key)) kept[key] = event.markets[key] as EventOdds["markets"][string];
  return { ...event, markets: kept };
}

/**
 * The changes a subscriber to `markets` takes: event-level fields always, `markets.<k>…` only for
 * its keys, a whole event with only its markets. The same array when nothing was cut, so callers
 * can tell "identical to the unfiltered delta" by reference.
 */
export function filterChanges(changes: Change[], markets: ReadonlySet<string>): Change[] {
  let out: Change[] | null = null;
  for (let i = 0; i < changes.length; i += 1) {
    const change = changes[i] as Change;
    const kept = filterChange(change, markets);
    if (kept !== change && out === null) out = changes.slice(0, i);
    if (out !== null && kept !== null) out.push(kept);
  }
  return out ?? changes;
}

function filterChange(change: Change, markets: ReadonlySet<string>): Change | null {
  if (change.path === "") {
    if (change.value === null) return change;
    const event = change.value as EventOdds;
    const filtered = filterEvent(event, markets);
    return filtered === event ? change : { ...change, value: filtered };
  }
  if (!change.path.startsWith("markets.")) return change;
  const end = change.path.indexOf(".", 8);
  return markets.has(change.path.slice(8, end === -1 ? undefined : end)) ? change : null;
}

/** A delta under a filter; the same object when the filter takes it whole. May carry no changes. */
export function filterDelta(delta: OddsDelta, filter: Filter): OddsDelta {
  if (!filter.markets) return delta;
  const changes = filterChanges(delta.changes, filter.markets);
  return changes === delta.changes ? delta : { ...delta, changes };
}

export function filterSnapshot(snapshot: OddsSnapshot, filter: Filter): OddsSnapshot {
  const markets = filter.markets;
  if (!markets) return snapshot;
  return { ...snapshot, events: snapshot.events.map((event) => filterEvent(event, markets)) };
}

/**
 * Book-level prices under a filter: only its markets, and in each only its bookmakers' quotes (a
 * market stays listed with what is left, since each listed market replaces the page's books of it).
 * Null when no market is left: there is nothing to send.
 */
export function filterBooks(books: EventBooks, filter: Filter): EventBooks | null {
  if (!filter.markets && !filter.books) return books;
  const markets: EventBooks["markets"] = {};
  for (const [key, outcomes] of Object.entries(books.markets)) {
    if (filter.markets && !filter.markets.has(key)) continue;
    const taken = filter.books;
    if (!taken) {
      markets[key] = outcomes;
      continue;
    }
    const kept: (typeof markets)[string] = {};
    for (const [outcome, quotes] of Object.entries(outcomes)) kept[outcome] = quotes.filter((quote) => taken.has(quote.book));
    markets[key] = kept;
  }
  return Object.keys(markets).length > 0 ? { ...books, markets } : null;
}

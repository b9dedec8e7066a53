import type { Endpoint } from "./api";

/**
 * What our calls cost, as the provider billed them (`x-requests-last`), per UTC day, per sport and
 * per endpoint, for the status API. Pure: the caller passes each call's time. Bounded: only the
 * last `keepDays` UTC days are kept, and every total is over those days.
 */

export interface SpendEntry {
  /** ms since epoch */
  at: number;
  /** null for calls that are not about one sport (/sports). */
  sport: string | null;
  endpoint: Endpoint;
  /** Credits the call cost (x-requests-last). */
  credits: number;
}

export interface SpendSnapshot {
  /** Oldest first; `day` is the UTC date, YYYY-MM-DD. */
  byDay: { day: string; credits: number }[];
  /** Most credits first. */
  bySport: { sport: string; credits: number; calls: number }[];
  byEndpoint: { endpoint: Endpoint; credits: number; calls: number }[];
  total: number;
}

interface Tally {
  credits: number;
  calls: number;
}

interface DayBook {
  credits: number;
  sports: Map<string, Tally>;
  endpoints: Map<Endpoint, Tally>;
}

const DAY_MS = 86_400_000;

export class SpendLedger {
  /** Keyed by UTC day number (ms since epoch / day). */
  private readonly days = new Map<number, DayBook>();

  constructor(private readonly keepDays = 35) {}

  /** Records one call; a call older than the kept window, or with no valid cost, is ignored. */
  record(entry: SpendEntry): void {
    if (!Number.isFinite(entry.credits) || entry.credits < 0 || !Number.isFinite(entry.at)) return;
    const day = Math.floor(entry.at / DAY_MS);
    const newest = Math.max(day, ...this.days.keys());
    if (day <= newest - this.keepDays) return;
    const book = this.days.get(day) ?? { credits: 0, sports: new Map(), endpoints: new Map() };
    this.days.set(day, book);
    book.credits += entry.credits;
    if (entry.sport !== null) add(book.sports, entry.sport, entry.credits);
    add(book.endpoints, entry.endpoint, entry.credits);
    for (const kept of this.days.keys()) if (kept <= newest - this.keepDays) this.days.delete(kept);
  }

  snapshot(): SpendSnapshot {
    const days = [...this.days.entries()].sort(([a], [b]) => a - b);
    const sports = new Map<string, Tally>();
    const endpoints = new Map<Endpoint, Tally>();
    for (const [, book] of days) {
      for (const [sport, tally] of book.sports) merge(sports, sport, tally);
      for (const [endpoint, tally] of book.endpoints) merge(endpoints, endpoint, tally);
    }
    return {
      byDay: days.map(([day, book]) => ({ day: new Date(day * DAY_MS).toISOString().slice(0, 10), credits: book.credits })),
      bySport: [...sports].map(([sport, t]) => ({ sport, ...t })).sort((a, b) => b.credits - a.credits || a.sport.localeCompare(b.sport)),
      byEndpoint: [...endpoints].map(([endpoint, t]) => ({ endpoint, ...t })),
      total: days.reduce((sum, [, book]) => sum + book.credits, 0),
    };
  }
}

function add<K>(map: Map<K, Tally>, key: K, credits: number): void {
  merge(map, key, { credits, calls: 1 });
}

function merge<K>(map: Map<K, Tally>, key: K, tally: Tally): void {
  const current = map.get(key) ?? { credits: 0, calls: 0 };
  map.set(key, { credits: current.credits + tally.credits, calls: current.calls + tally.calls });
}

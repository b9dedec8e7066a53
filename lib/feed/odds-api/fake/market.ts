import type { ApiBookmaker, ApiMarket, ApiOutcome } from "../schemas";
import { type BookmakerFixture, EVENT_OFFSETS_MS, SPORTS, type SportFixture } from "./fixtures";

/**
 * The fake's events and prices. Everything is a pure function of (seed, event, time): the same
 * seed and clock give the same answers, however often or rarely anyone asks, so tests can pin a
 * clock and demos can watch prices drift.
 */

/** A hash of the parts to [0, 1): the fake's only source of randomness. */
export function unit(seed: number, ...parts: (string | number)[]): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const char of parts.join("|")) {
    h = Math.imul(h ^ char.charCodeAt(0), 0x85ebca6b);
    h = (h ^ (h >>> 13)) >>> 0;
  }
  h = Math.imul(h ^ (h >>> 16), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
}

/** A standard normal draw (Box–Muller) for the parts. */
function normal(seed: number, ...parts: (string | number)[]): number {
  const u = Math.max(unit(seed, ...parts, "u"), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * unit(seed, ...parts, "v"));
}

const WINDOW = 40;
const RHO = 0.9;
/**
 * A mean-reverting walk with unit variance at `step`, as a finite moving average of seeded
 * shocks: a pure function of the step, so it needs no state and skips cheaply over idle hours.
 */
export function drift(seed: number, key: string, step: number): number {
  let sum = 0;
  for (let j = 0; j < WINDOW; j++) sum += RHO ** j * normal(seed, key, step - j);
  return sum * Math.sqrt(1 - RHO * RHO);
}

export interface FakeEvent {
  id: string;
  sport: SportFixture;
  home: string;
  away: string;
  commenceMs: number;
  /** Logit of the home side's chance against the away side, before drift. */
  strength: number;
  /** Set by control/complete; otherwise the event completes when its duration is over. */
  completedAtMs: number | null;
  /** Set by control/score; replaces the generated score from then on. */
  scoreOverride: { home: number; away: number; atMs: number } | null;
}

function eventId(seed: number, sport: string, index: number): string {
  return Array.from({ length: 4 }, (_, i) =>
    Math.floor(unit(seed, sport, index, i) * 2 ** 32)
      .toString(16)
      .padStart(8, "0"),
  ).join("");
}

/** The events of every active sport, their starts placed around `startMs` (EVENT_OFFSETS_MS). */
export function createEvents(seed: number, startMs: number): FakeEvent[] {
  return SPORTS.filter((sport) => sport.active).flatMap((sport) => {
    const teams = [...sport.teams].sort((a, b) => unit(seed, sport.key, a) - unit(seed, sport.key, b));
    return EVENT_OFFSETS_MS.map((offset, index) => ({
      id: eventId(seed, sport.key, index),
      sport,
      home: teams[(2 * index) % teams.length] as string,
      away: teams[(2 * index + 1) % teams.length] as string,
      // Whole minutes, as fixtures are listed.
      commenceMs: Math.floor((startMs + offset) / 60_000) * 60_000,
      strength: (unit(seed, sport.key, index, "strength") - 0.5) * 2.4 + 0.2,
      completedAtMs: null,
      scoreOverride: null,
    }));
  });
}

export function isCompleted(event: FakeEvent, nowMs: number): boolean {
  return (event.completedAtMs !== null && event.completedAtMs <= nowMs) || nowMs >= event.commenceMs + event.sport.durationMs;
}

export function isLive(event: FakeEvent, nowMs: number): boolean {
  return nowMs >= event.commenceMs && !isCompleted(event, nowMs);
}

const SCORE_STEP_MS = 60_000;

/**
 * The score at `nowMs`: each minute of play one side may score (about the sport's usual total
 * over a game), the stronger side more often. Null before the start.
 */
export function score(seed: number, event: FakeEvent, nowMs: number): { home: number; away: number; lastMs: number } | null {
  if (nowMs < event.commenceMs) return null;
  const end = Math.min(nowMs, event.completedAtMs ?? Infinity, event.commenceMs + event.sport.durationMs);
  const from = event.scoreOverride ? Math.max(event.scoreOverride.atMs, event.commenceMs) : event.commenceMs;
  const result = { home: event.scoreOverride?.home ?? 0, away: event.scoreOverride?.away ?? 0, lastMs: from };
  const points = event.sport.pointsPerScore;
  const perMinute = event.sport.totalsLine / (points.reduce((a, b) => a + b, 0) / points.length) / (event.sport.durationMs / SCORE_STEP_MS);
  const homeShare = 1 / (1 + Math.exp(-event.strength));
  for (let t = Math.ceil(from / SCORE_STEP_MS) * SCORE_STEP_MS; t < end; t += SCORE_STEP_MS) {
    if (unit(seed, event.id, "score", t) >= perMinute) continue;
    const side = unit(seed, event.id, "side", t) < homeShare ? "home" : "away";
    result[side] += points[Math.floor(unit(seed, event.id, "points", t) * points.length)] as number;
    result.lastMs = t;
  }
  return result;
}

/** A price set by control/move: it stands until the next move of the same outcome. */
export interface PriceOverride {
  price: number;
  atMs: number;
}
export type Overrides = Map<string, PriceOverride>;
export const overrideKey = (eventId: string, book: string, market: string, outcome: string) => `${eventId}|${book}|${market}|${outcome}`;

export interface PricingContext {
  seed: number;
  nowMs: number;
  /** How often each bookmaker moves its prices, ms. */
  driftMs: number;
  overrides: Overrides;
}

/** Decimal price for a fair chance at a book's overround, rounded as books show it. */
function price(fair: number, margin: number): number {
  return Math.max(1.01, Math.round(100 / (fair * margin)) / 100);
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Fair chances and points of the three markets for one book at one of its steps. */
function fairMarkets(seed: number, event: FakeEvent, book: BookmakerFixture, step: number) {
  const s = event.strength + 0.15 * drift(seed, event.id, step) + 0.05 * (unit(seed, event.id, book.key) - 0.5);
  const sport = event.sport;
  const draw = sport.threeWay ? Math.max(0.18, 0.29 - 0.06 * Math.abs(s)) : 0;
  const home = (1 - draw) * sigmoid(s);
  const rawSpread = Math.round((s * sport.spreadPerStrength) / sport.spreadStep) * sport.spreadStep;
  // The favourite gives points: home negative when home is stronger, and never a pick'em line.
  const homePoint = rawSpread === 0 ? (s >= 0 ? -sport.spreadStep : sport.spreadStep) : -rawSpread;
  const totalsPoint = sport.totalsLine + Math.round((unit(seed, event.id, "total") - 0.5) * 2) * sport.spreadStep;
  const cover = 0.5 + 0.03 * drift(seed, `${event.id}|spread|${book.key}`, step);
  const over = 0.5 + 0.03 * drift(seed, `${event.id}|total|${book.key}`, step);
  return { home, draw, away: 1 - draw - home, homePoint, totalsPoint, cover, over };
}

function outcomes(event: FakeEvent, market: string, fair: ReturnType<typeof fairMarkets>): { name: string; fair: number; point?: number }[] {
  if (market === "h2h") {
    const two = [
      { name: event.home, fair: fair.home },
      { name: event.away, fair: fair.away },
    ];
    return event.sport.threeWay ? [...two, { name: "Draw", fair: fair.draw }] : two;
  }
  if (market === "spreads") {
    return [
      { name: event.home, fair: fair.cover, point: fair.homePoint },
      { name: event.away, fair: 1 - fair.cover, point: -fair.homePoint },
    ];
  }
  if (market === "totals") {
    return [
      { name: "Over", fair: fair.over, point: fair.totalsPoint },
      { name: "Under", fair: 1 - fair.over, point: fair.totalsPoint },
    ];
  }
  return [];
}

/**
 * One bookmaker's markets for an event, as /odds shows them. Each book moves on its own beat
 * (a seeded phase), so books' last_update differ; a control/move price wins over the drift.
 */
export function bookmakerOdds(context: PricingContext, event: FakeEvent, book: BookmakerFixture, markets: readonly string[]): ApiBookmaker {
  const phase = Math.floor(unit(context.seed, book.key, "phase") * context.driftMs);
  const step = Math.floor((context.nowMs + phase) / context.driftMs);
  const movedAtMs = step * context.driftMs - phase;
  const fair = fairMarkets(context.seed, event, book, step);
  let lastUpdate = movedAtMs;
  const apiMarkets: ApiMarket[] = markets.map((key) => {
    let marketUpdate = movedAtMs;
    const apiOutcomes: ApiOutcome[] = outcomes(event, key, fair).map((o) => {
      const moved = context.overrides.get(overrideKey(event.id, book.key, key, o.name));
      if (moved && moved.atMs <= context.nowMs) marketUpdate = Math.max(marketUpdate, moved.atMs);
      const value = moved && moved.atMs <= context.nowMs ? moved.price : price(o.fair, book.margin);
      return o.point === undefined ? { name: o.name, price: value } : { name: o.name, price: value, point: o.point };
    });
    lastUpdate = Math.max(lastUpdate, marketUpdate);
    return { key, last_update: iso(marketUpdate), outcomes: apiOutcomes };
  });
  return { key: book.key, title: book.title, last_update: iso(lastUpdate), markets: apiMarkets };
}

/** ISO time without milliseconds, as the provider writes it. */
export function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

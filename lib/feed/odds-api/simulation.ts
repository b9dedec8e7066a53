// Over 300 lines: the fixture generator and the simulated month are one deterministic model, tested together.
import { seededRng, type Rng } from "../market-model";
import { DEFAULT_IN_PLAY_WINDOW_MS, type Plan, type PlannerInput, type SportSchedule, nextDue, plan } from "./planner";

/**
 * Polling on a fake clock: a fixture generator shaped like a real autumn week (EPL weekends, NBA
 * and NHL most nights, NFL Sunday/Monday/Thursday) and a simulator that steps the clock from one
 * thing to do to the next (a poll falling due, a re-plan, a minute's staleness sample), asks a
 * planner what to do and spends credits like the provider would. Pure and deterministic: no
 * waiting, no I/O; the same seed gives the same month.
 *
 * What the simulated poller can see: the free fixture list (events up to `horizonMs` ahead, and
 * events still within the in-play window), with `completed` true only once a scores call after the
 * event's real end has seen it, as the real poller would.
 */

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

export interface Fixture {
  sport: string;
  id: string;
  /** ms since epoch */
  commence: number;
  /** ms the event really lasts (unknown to the poller). */
  durationMs: number;
}

export const SIM_SPORTS = ["soccer_epl", "basketball_nba", "americanfootball_nfl", "icehockey_nhl"] as const;

/** ms: how long the simulated poller counts each sport's events in play: a typical length plus overtime. */
export const SIM_IN_PLAY_WINDOW_MS: Readonly<Record<string, number>> = {
  soccer_epl: 2.5 * HOUR,
  basketball_nba: 3 * HOUR,
  americanfootball_nfl: 4 * HOUR,
  icehockey_nhl: 3.25 * HOUR,
};

/**
 * Every fixture commencing in [start, start + days), in commence order. Times are UTC kick-offs as
 * the API reports them (NBA/NHL evenings in the US are after midnight UTC).
 */
export function generateFixtures(start: number, days: number, seed: number): Fixture[] {
  const rng = seededRng(seed);
  const fixtures: Fixture[] = [];
  const firstDay = Math.floor(start / DAY) * DAY;
  for (let day = firstDay; day < start + days * DAY; day += DAY) {
    const weekday = new Date(day).getUTCDay();
    fixtures.push(...epl(day, weekday, rng), ...nba(day, rng), ...nfl(day, weekday, rng), ...nhl(day, rng));
  }
  return fixtures
    .filter((f) => f.commence >= start && f.commence < start + days * DAY)
    .sort((a, b) => a.commence - b.commence)
    .map((f, i) => ({ ...f, id: `${f.sport}-${i}` }));
}

const between = (rng: Rng, lo: number, hi: number) => lo + (hi - lo) * rng();
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;

function games(sport: string, day: number, hours: readonly number[], minutes: [number, number], rng: Rng): Fixture[] {
  return hours.map((h) => ({ sport, id: "", commence: day + h * HOUR, durationMs: between(rng, ...minutes) * MIN }));
}

/** Saturdays 12:30, 15:00 ×5, 17:30; Sundays 14:00 ×2, 16:30; one weekend in eight is an international break. */
function epl(day: number, weekday: number, rng: Rng): Fixture[] {
  if (weekday !== 6 && weekday !== 0) return [];
  if (rng() < 1 / 8) return [];
  const hours = weekday === 6 ? [12.5, 15, 15, 15, 15, 15, 17.5] : [14, 14, 16.5];
  return games("soccer_epl", day, hours, [110, 118], rng);
}

/** Six nights in seven, 3–10 games between 23:30 and 03:00 UTC. */
function nba(day: number, rng: Rng): Fixture[] {
  if (rng() < 1 / 7) return [];
  const count = 3 + Math.floor(rng() * 8);
  const hours = Array.from({ length: count }, () => pick(rng, [23.5, 24, 24, 24.5, 25, 25.5, 26, 26.5, 27]));
  return games("basketball_nba", day, hours, [135, 160], rng);
}

/** Sunday 17:00 ×7, 20:05 ×3, 20:25 ×2, Sunday night (Mon 00:20), Monday night (Tue 00:15), Thursday night (Fri 00:15). */
function nfl(day: number, weekday: number, rng: Rng): Fixture[] {
  const hours: Record<number, number[]> = {
    0: [17, 17, 17, 17, 17, 17, 17, 20 + 5 / 60, 20 + 5 / 60, 20 + 5 / 60, 20 + 25 / 60, 20 + 25 / 60],
    1: [20 / 60],
    2: [15 / 60],
    5: [15 / 60],
  };
  return games("americanfootball_nfl", day, hours[weekday] ?? [], [185, 205], rng);
}

/** Nine nights in ten, 2–9 games between 23:00 and 02:30 UTC. */
function nhl(day: number, rng: Rng): Fixture[] {
  if (rng() < 0.1) return [];
  const count = 2 + Math.floor(rng() * 8);
  const hours = Array.from({ length: count }, () => pick(rng, [23, 23.5, 24, 24, 24.5, 25, 25.5, 26, 26.5]));
  return games("icehockey_nhl", day, hours, [148, 168], rng);
}

// ---- the simulator ------------------------------------------------------------------------------

export interface SimulationConfig {
  /** ms since epoch: the simulated clock runs over [start, end). */
  start: number;
  end: number;
  /** ms since epoch: when the credits reset (default `end`). */
  periodEnd?: number;
  /** Credits at `start`. */
  credits: number;
  oddsCost: number;
  scoresCost: number;
  minIntervalMs: number;
  reserve: number;
  /** Every sport the poller knows, including any without fixtures. */
  sports: readonly string[];
  fixtures: readonly Fixture[];
  /** ms: re-plan at least this often (default 5 min), and after every poll. */
  replanMs?: number;
  /** ms: how far ahead the free fixture list shows events (default 14 days). */
  horizonMs?: number;
  /** ms per sport: how long its events count in play without a completion seen (default SIM_IN_PLAY_WINDOW_MS). */
  inPlayWindowMs?: Readonly<Record<string, number>>;
  /** ms since epoch per sport: not polled before this (the fixed-interval baseline staggers its sports). */
  firstPollAt?: Readonly<Record<string, number>>;
  /** The policy under test (default: the budget planner). */
  planner?: (input: PlannerInput) => Plan;
}

export interface SportCalls {
  sport: string;
  odds: number;
  /** Odds calls made while an event of the sport was really in play. */
  oddsInPlay: number;
  scores: number;
  credits: number;
}

export interface PollRecord {
  at: number;
  sport: string;
  endpoint: "odds" | "scores";
  credits: number;
  /** Credits left after the call. */
  remaining: number;
}

export interface SimulationResult {
  spent: number;
  remaining: number;
  polls: PollRecord[];
  calls: SportCalls[];
  /** ms: for every minute an event is really in play, how old its sport's latest odds poll was. */
  staleness: number[];
  /** Calls the provider would have refused for want of credits. */
  refused: number;
  plans: number;
}

interface SimState {
  config: Required<Omit<SimulationConfig, "periodEnd">> & { periodEnd: number };
  remaining: number;
  lastOdds: Map<string, number>;
  lastScores: Map<string, number>;
  completedSeen: Set<string>;
  result: SimulationResult;
}

/** Runs the month (or week) on a fake clock; see the module comment. */
export function simulate(config: SimulationConfig): SimulationResult {
  const state = initialState(config);
  const { start, end, replanMs } = state.config;
  let current = replan(state, start);
  let nextPlan = start + replanMs;
  let nextSample = start;
  for (let t = start; t < end; ) {
    const due = earliestDue(state, current);
    t = Math.max(t, Math.min(due?.at ?? Infinity, nextPlan, nextSample));
    if (t >= end) break;
    if (due && due.at <= t) {
      poll(state, t, due.sport, due.endpoint);
      current = replan(state, t);
      nextPlan = t + replanMs;
    } else if (nextSample <= t) {
      sample(state, t);
      nextSample += MIN;
    } else {
      current = replan(state, t);
      nextPlan = t + replanMs;
    }
  }
  state.result.remaining = state.remaining;
  return state.result;
}

function initialState(config: SimulationConfig): SimState {
  const full = {
    replanMs: 5 * MIN,
    horizonMs: 14 * DAY,
    inPlayWindowMs: SIM_IN_PLAY_WINDOW_MS,
    firstPollAt: {},
    planner: plan,
    ...config,
    periodEnd: config.periodEnd ?? config.end,
  };
  const calls = config.sports.map((sport) => ({ sport, odds: 0, oddsInPlay: 0, scores: 0, credits: 0 }));
  return {
    config: full,
    remaining: config.credits,
    lastOdds: new Map(),
    lastScores: new Map(),
    completedSeen: new Set(),
    result: { spent: 0, remaining: config.credits, polls: [], calls, staleness: [], refused: 0, plans: 0 },
  };
}

/** Fixtures the free list shows at `t`: upcoming within the horizon, or started within the in-play window. */
function visible(state: SimState, t: number): Fixture[] {
  const { fixtures, horizonMs } = state.config;
  return fixtures.filter((f) => f.commence <= t + horizonMs && f.commence + DEFAULT_IN_PLAY_WINDOW_MS > t);
}

function replan(state: SimState, t: number): Plan {
  const { config } = state;
  const bySport = new Map<string, SportSchedule>(
    config.sports.map((sport) => [sport, { sport, events: [], inPlayWindowMs: config.inPlayWindowMs[sport], lastPolledAt: state.lastOdds.get(sport) ?? null }]),
  );
  for (const f of visible(state, t)) {
    bySport.get(f.sport)?.events.push({ id: f.id, commence: f.commence, completed: state.completedSeen.has(f.id) });
  }
  state.result.plans++;
  return config.planner({
    now: t,
    periodEnd: config.periodEnd,
    remaining: state.remaining,
    oddsCost: config.oddsCost,
    scoresCost: config.scoresCost,
    minIntervalMs: config.minIntervalMs,
    reserve: config.reserve,
    sports: [...bySport.values()],
  });
}

function earliestDue(state: SimState, current: Plan): { at: number; sport: string; endpoint: "odds" | "scores" } | null {
  let best: { at: number; sport: string; endpoint: "odds" | "scores" } | null = null;
  for (const s of current.sports) {
    const odds = firstDue(state, s.sport, nextDue(state.lastOdds.get(s.sport) ?? null, s.oddsIntervalMs, current.at));
    const scores = scoresDue(state, s.sport, nextDue(state.lastScores.get(s.sport) ?? null, s.scoresIntervalMs, current.at));
    if (odds !== null && (best === null || odds < best.at)) best = { at: odds, sport: s.sport, endpoint: "odds" };
    if (scores !== null && (best === null || scores < best.at)) best = { at: scores, sport: s.sport, endpoint: "scores" };
  }
  return best;
}

/**
 * Scores follow the odds: never before the sport's latest odds poll, so they go out right after it
 * when due, and never alone while the odds wait (a score beside older prices buys little).
 */
function scoresDue(state: SimState, sport: string, due: number | null): number | null {
  const odds = state.lastOdds.get(sport);
  return due === null || odds === undefined ? null : Math.max(due, odds);
}

/** A sport never polled waits for its `firstPollAt`. */
function firstDue(state: SimState, sport: string, due: number | null): number | null {
  const first = state.config.firstPollAt[sport];
  return due === null || state.lastOdds.has(sport) || first === undefined ? due : Math.max(due, first);
}

const inPlayAt = (f: Fixture, t: number) => f.commence <= t && t < f.commence + f.durationMs;

function poll(state: SimState, t: number, sport: string, endpoint: "odds" | "scores"): void {
  const { config, result } = state;
  const cost = endpoint === "odds" ? config.oddsCost : config.scoresCost;
  const last = endpoint === "odds" ? state.lastOdds : state.lastScores;
  last.set(sport, t);
  if (state.remaining < cost) {
    result.refused++;
    return;
  }
  state.remaining -= cost;
  result.spent += cost;
  result.polls.push({ at: t, sport, endpoint, credits: cost, remaining: state.remaining });
  const tally = result.calls.find((c) => c.sport === sport);
  const shown = visible(state, t).filter((f) => f.sport === sport);
  if (tally) {
    tally.credits += cost;
    if (endpoint === "scores") tally.scores++;
    else {
      tally.odds++;
      if (shown.some((f) => inPlayAt(f, t))) tally.oddsInPlay++;
    }
  }
  if (endpoint === "scores") {
    for (const f of shown) if (f.commence + f.durationMs <= t) state.completedSeen.add(f.id);
  }
}

/** One staleness sample per event really in play at `t`; a sport never polled counts from `start`. */
function sample(state: SimState, t: number): void {
  for (const f of visible(state, t)) {
    if (!inPlayAt(f, t)) continue;
    state.result.staleness.push(t - (state.lastOdds.get(f.sport) ?? state.config.start));
  }
}

/**
 * The baseline: every sport in `sports` polled at one fixed interval (ms) from the start,
 * whatever the credits or the fixtures; no scores.
 */
export function fixedIntervalPlanner(intervalMs: number, sports: readonly string[]): (input: PlannerInput) => Plan {
  const polled = new Set(sports);
  return (input) => ({
    at: input.now,
    remaining: input.remaining,
    reserve: input.reserve,
    budgetPerDay: 0,
    plannedPerDay: 0,
    sports: input.sports.map((s) => ({
      sport: s.sport,
      class: "later",
      inPlay: 0,
      soon: 0,
      later: s.events.length,
      oddsIntervalMs: polled.has(s.sport) ? intervalMs : null,
      scoresIntervalMs: null,
      creditsPerDay: polled.has(s.sport) ? (input.oddsCost / intervalMs) * DAY : 0,
    })),
  });
}

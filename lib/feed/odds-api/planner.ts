// Over 300 lines: a third of it is the allocation's derivation, kept beside the code that computes it.
/**
 * The budget planner: how often to poll each sport so the month's credits last the month and go
 * where prices move. Pure: the caller passes the clock, the credits (from the usage headers, which
 * win over our own count) and the fixture list (free), and gets intervals back.
 *
 * ## The allocation
 *
 * A = max(0, remaining − reserve) are the plannable credits, T = periodEnd − now the time left (at
 * least a minute), B = A / T (credits per ms) the most we may spend now: spending B until the reset
 * uses exactly A. Each sport has a weight w from its hottest event (poll-class.ts):
 *
 *     w = 36·√(events in play) in play,  6 starting within the hour,  1 later,  0 without events
 *
 * and is polled at rate_s = u · w_s credits per ms, i.e. every k_s / (u · w_s) ms, k_s being the
 * credits of one poll cycle (odds, plus scores while in play). The unit rate u is
 *
 *     u = min( u_forecast ,  B / max(Σ w_now, 36) )
 *
 * u_forecast (demand.ts) is the rate at which the fixtures we can see, stretched to the reset,
 * would spend exactly A, counting one whole poll for each in-play session entered after a long
 * gap; it keeps credits back on a quiet Tuesday for a Sunday with twelve NFL games. The cap keeps
 * the plan within (a): Σ rate ≤ B, so rate × T ≤ A; the 36 in it is a phantom in-play sport, so a
 * cold hour never spends the whole of B on pre-match prices. The √n: one call refreshes all of a
 * sport's events, and the mean age over events, Σ n_s / rate_s, is least for a fixed spend when
 * rate_s ∝ √n_s.
 *
 * Then: intervals are at least max(minIntervalMs, class floor: 1 min soon, 10 min later). A
 * pre-match class whose interval would exceed 12 h (soon) or 48 h (later) is not polled at all and
 * its demand is dropped from the forecast: such a price is not worth showing, and on the free plan
 * those credits buy in-play polls. While nothing is in play, up to (1/8)·36·u (and never more than
 * B minus the plan) tops soon and later sports up towards 30 min and 6 h, each deficit filled by the
 * same fraction, squared so that a top-up which can't get near the ceilings is mostly banked. Below
 * 5 odds calls plannable only in-play sports are polled (odds alone below one odds+scores cycle);
 * below one odds call, nothing. The output moves continuously with remaining and now, except where
 * a class or one of those thresholds is crossed.
 *
 * @example
 * // 500 credits, 30 days left, reserve 20, odds 9, scores 1; EPL in play, NBA tonight (later).
 * // B = 480 / 30 d = 16 credits/day. NBA at u = 16/37 per day would be polled every 20.8 days:
 * // given up. EPL: u = 16/36 per day (the cap), rate 16/day, k = 10 → every 15 h.
 * // On 20,000 credits (B = 666/day): EPL every 22 min, NBA every 12 h.
 */
import {
  CLASS_WEIGHT,
  type ClassCounts,
  DEFAULT_IN_PLAY_WINDOW_MS,
  DEFAULT_SOON_WINDOW_MS,
  type PollClass,
  type SportSchedule,
  classify,
  weightOf,
} from "./poll-class";
import { type Area, type DemandModel, type SportDemand, sportDemand, unitRate } from "./demand";

export type { SportSchedule } from "./poll-class";
export { CLASS_WEIGHT, DEFAULT_IN_PLAY_WINDOW_MS, classify } from "./poll-class";

export interface PlannerInput {
  /** ms since epoch */
  now: number;
  /** ms since epoch: when the credits reset (end of the billing month). */
  periodEnd: number;
  /** Credits left (x-requests-remaining). */
  remaining: number;
  /** Credits per odds call of one sport (markets × regions). */
  oddsCost: number;
  /** Credits per scores call (1; 2 with daysFrom). */
  scoresCost: number;
  /** ms: the fastest any sport is ever polled. */
  minIntervalMs: number;
  /** Credits never planned (kept for restarts, manual checks). */
  reserve: number;
  sports: SportSchedule[];
  /** ms: an event counts in play from commence until completed or this long after (default 4 h). */
  inPlayWindowMs?: number;
  /** ms: "starting soon" = commencing within this (default 1 h). */
  soonWindowMs?: number;
}

export interface SportPlan {
  sport: string;
  class: PollClass;
  /** Events in play, starting soon, starting later. */
  inPlay: number;
  soon: number;
  later: number;
  /** ms between odds calls; null: don't poll odds. */
  oddsIntervalMs: number | null;
  /** ms between scores calls: only while events are in play (which lasts until completion is seen). */
  scoresIntervalMs: number | null;
  /** Credits per day this plan spends at these intervals. */
  creditsPerDay: number;
}

export interface Plan {
  /** ms since epoch: the `now` planned for. */
  at: number;
  remaining: number;
  reserve: number;
  /** Credits per day that may be spent until the reset: (remaining − reserve) / days left. */
  budgetPerDay: number;
  /** Credits per day the sports' plans spend together (≤ budgetPerDay). */
  plannedPerDay: number;
  sports: SportPlan[];
}

export const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** ms: no class is polled faster than this (nor than minIntervalMs). */
export const CLASS_FLOOR_MS: Readonly<Record<PollClass, number>> = { in_play: 0, soon: MINUTE_MS, later: 10 * MINUTE_MS, idle: 0 };
/** ms: pre-match prices are topped up to at least this often while nothing is in play, when affordable. */
export const CLASS_CEILING_MS: Readonly<Record<PollClass, number | null>> = { in_play: null, soon: 30 * MINUTE_MS, later: 6 * HOUR_MS, idle: null };
/**
 * ms: a pre-match sport whose interval comes out longer than this is not polled at all: a price
 * that old is not worth showing, and on a small plan those credits buy in-play polls instead.
 */
export const CLASS_GIVE_UP_MS: Readonly<Record<PollClass, number | null>> = { in_play: null, soon: 12 * HOUR_MS, later: 48 * HOUR_MS, idle: null };
/** The most of the budget rate spent on ceiling top-ups (the rest is banked for in-play hours). */
export const CEILING_SHARE = 1 / 8;
/** Below this many odds calls plannable, only in-play sports are polled. */
export const LOW_CREDIT_CALLS = 5;
/** ms: the time left is taken as at least this, so a plan at (or past) the reset stays finite. */
const MIN_TIME_LEFT_MS = MINUTE_MS;

interface Allocation {
  counted: ClassCounts;
  /** ms since epoch: when the sport's last known event stops counting in play. */
  lastEnd: number;
  /** Credits per poll cycle (odds, plus scores in play). */
  cost: number;
  oddsCost: number;
  weight: number;
  floorMs: number;
  ceilingMs: number | null;
  /** Credits per ms. */
  rate: number;
}

/**
 * Plans every sport's odds and scores intervals from the credits left; see the module comment for
 * the formula.
 * @example plan({ now, periodEnd: now + 30 * DAY_MS, remaining: 500, reserve: 20, oddsCost: 9,
 *   scoresCost: 1, minIntervalMs: 10_000, sports }).sports[0]?.oddsIntervalMs // 15 h for EPL in play
 */
export function plan(input: PlannerInput): Plan {
  const timeLeft = Math.max(input.periodEnd - input.now, MIN_TIME_LEFT_MS);
  const plannable = Math.max(0, input.remaining - input.reserve);
  const budget = plannable / timeLeft;
  const allocations = input.sports.map((schedule) => allocate(input, schedule, plannable));
  const excluded = unaffordable(input, plannable);
  const forecast = forecastModel(input, allocations, timeLeft);
  let u = unitRateFor(allocations, forecast, excluded, plannable, budget);
  if (giveUp(input, u, excluded)) u = unitRateFor(allocations, forecast, excluded, plannable, budget);
  let hot = false;
  for (const a of allocations) {
    if (excluded.has(a.counted.class)) a.weight = 0;
    a.rate = a.weight > 0 ? Math.min(u * a.weight, a.cost / a.floorMs) : 0;
    hot ||= a.weight > 0 && a.counted.class === "in_play";
  }
  if (!hot) {
    const spent = allocations.reduce((sum, a) => sum + a.rate, 0);
    topUpToCeilings(allocations, Math.min(budget - spent, CEILING_SHARE * CLASS_WEIGHT.in_play * u));
  }
  const sports = allocations.map(toSportPlan);
  return {
    at: input.now,
    remaining: input.remaining,
    reserve: input.reserve,
    budgetPerDay: budget * DAY_MS,
    plannedPerDay: sports.reduce((sum, s) => sum + s.creditsPerDay, 0),
    sports,
  };
}

/** One sport's class, weight, cost per poll cycle and bounds. */
function allocate(input: PlannerInput, schedule: SportSchedule, plannable: number): Allocation {
  const window = schedule.inPlayWindowMs ?? input.inPlayWindowMs ?? DEFAULT_IN_PLAY_WINDOW_MS;
  const soonWindow = input.soonWindowMs ?? DEFAULT_SOON_WINDOW_MS;
  const counted = classify(schedule, input.now, window, soonWindow);
  const floorMs = Math.max(input.minIntervalMs, CLASS_FLOOR_MS[counted.class], 1);
  const ceiling = CLASS_CEILING_MS[counted.class];
  return {
    counted,
    lastEnd: schedule.events.reduce((end, e) => (e.completed ? end : Math.max(end, e.commence + window)), -Infinity),
    cost: cycleCost(input, counted.class, plannable),
    oddsCost: input.oddsCost,
    weight: weightOf(counted),
    floorMs,
    ceilingMs: ceiling === null ? null : Math.max(ceiling, floorMs),
    rate: 0,
  };
}

/** Credits per poll cycle: odds, plus scores in play unless the credits left only cover the odds. */
function cycleCost(input: PlannerInput, cls: PollClass, plannable: number): number {
  const withScores = input.oddsCost + input.scoresCost;
  return cls === "in_play" && plannable >= withScores ? withScores : input.oddsCost;
}

/** Classes the credits left can't pay for: pre-match below LOW_CREDIT_CALLS odds calls, in play below one cycle. */
function unaffordable(input: PlannerInput, plannable: number): Set<PollClass> {
  const excluded = new Set<PollClass>(["idle"]);
  if (plannable < input.oddsCost) excluded.add("in_play");
  if (plannable < Math.max(LOW_CREDIT_CALLS * input.oddsCost, input.oddsCost)) {
    excluded.add("soon");
    excluded.add("later");
  }
  return excluded;
}

/** Excludes the pre-match classes whose interval at `u` would be past CLASS_GIVE_UP_MS; true if any was. */
function giveUp(input: PlannerInput, u: number, excluded: Set<PollClass>): boolean {
  let changed = false;
  for (const cls of ["soon", "later"] as const) {
    const limit = CLASS_GIVE_UP_MS[cls];
    if (excluded.has(cls) || limit === null) continue;
    if (!(u > 0) || input.oddsCost / (u * CLASS_WEIGHT[cls]) > limit) {
      excluded.add(cls);
      changed = true;
    }
  }
  return changed;
}

interface Forecast {
  /** Each sport's demand over the stretch the fixtures cover. */
  demands: SportDemand[];
  scale: number;
  entryCost: number;
}

/**
 * The sports' demand from now to the last known event's end (at least a day, at most the reset),
 * and the factor that stretches it over the rest of the period.
 */
function forecastModel(input: PlannerInput, allocations: Allocation[], timeLeft: number): Forecast {
  const known = Math.max(...allocations.map((a) => a.lastEnd), input.now) - input.now;
  const span = Math.min(timeLeft, Math.max(known, DAY_MS));
  const until = input.now + span;
  const soonWindow = input.soonWindowMs ?? DEFAULT_SOON_WINDOW_MS;
  const demands = input.sports.map((schedule) =>
    sportDemand(
      schedule.events,
      input.now,
      until,
      schedule.inPlayWindowMs ?? input.inPlayWindowMs ?? DEFAULT_IN_PLAY_WINDOW_MS,
      soonWindow,
      schedule.lastPolledAt === undefined ? input.now : schedule.lastPolledAt,
    ),
  );
  return { demands, scale: timeLeft / span, entryCost: input.oddsCost + input.scoresCost };
}

/**
 * u (credits per ms per unit of weight): the forecast's rate that lasts the period, capped so the
 * sports present spend at most B together (and at most a 36th of B each per unit of weight, as if
 * one sport were always in play: cold hours never spend the whole budget).
 */
function unitRateFor(allocations: Allocation[], forecast: Forecast, excluded: Set<PollClass>, plannable: number, budget: number): number {
  const weightNow = allocations.reduce((sum, a) => sum + (excluded.has(a.counted.class) ? 0 : a.weight), 0);
  const cap = budget / Math.max(weightNow, CLASS_WEIGHT.in_play);
  const included = (cls: keyof Area) => !excluded.has(cls);
  const model: DemandModel = {
    area: forecast.demands.reduce((sum, d) => sum + (Object.keys(d.area) as (keyof Area)[]).reduce((s, cls) => s + (included(cls) ? d.area[cls] : 0), 0), 0),
    entries: included("in_play") ? forecast.demands.flatMap((d) => d.entries.map((e) => ({ ...e, cost: forecast.entryCost }))) : [],
    scale: forecast.scale,
  };
  return unitRate(model, plannable, cap);
}

/**
 * Raises each sport's rate towards one poll per ceiling, spending at most `spare` (credits per ms):
 * every deficit is filled by the same fraction, so the result moves smoothly with the budget.
 */
function topUpToCeilings(allocations: Allocation[], spare: number): void {
  const deficits = allocations.map((a) => (a.weight > 0 && a.ceilingMs !== null ? Math.max(0, a.cost / a.ceilingMs - a.rate) : 0));
  const total = deficits.reduce((sum, d) => sum + d, 0);
  if (total <= 0 || spare <= 0) return;
  // Squared: a top-up that can't get near the ceilings is mostly banked for in-play hours instead.
  const fraction = Math.min(1, spare / total) ** 2;
  allocations.forEach((a, i) => {
    a.rate += fraction * (deficits[i] ?? 0);
  });
}

function toSportPlan(a: Allocation): SportPlan {
  // Rounded up to whole ms, so rounding never spends more than planned; a rate clamped at the
  // floor comes back as the floor exactly, not a float's hair above it.
  const giveUp = CLASS_GIVE_UP_MS[a.counted.class] ?? Infinity;
  const raw = a.rate > 0 ? a.cost / a.rate : null;
  const interval = raw === null || raw > giveUp ? null : raw <= a.floorMs * (1 + 1e-12) ? a.floorMs : Math.ceil(raw);
  const inPlay = a.counted.class === "in_play";
  return {
    ...a.counted,
    oddsIntervalMs: interval,
    scoresIntervalMs: inPlay && a.cost > a.oddsCost ? interval : null,
    creditsPerDay: interval === null ? 0 : (a.cost / interval) * DAY_MS,
  };
}

/**
 * When a sport is next due (ms since epoch), given when it was last polled (null: never → now).
 * `now` (ms) is the injectable clock, only read for the never-polled case.
 * @example nextDue(1_000, 10_000) // 11_000
 * @example nextDue(5_000, null)   // null: not to be polled
 */
export function nextDue(last: number | null, intervalMs: number | null, now = Date.now()): number | null {
  if (intervalMs === null) return null;
  return last === null ? now : last + intervalMs;
}

export { SpendLedger } from "./spend-ledger";

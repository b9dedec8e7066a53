/**
 * The budget planner: how often to poll each sport so the month's credits last the month and go
 * where prices move. Pure: the caller passes the clock, the credits (from the usage headers, which
 * win over our own count) and the fixture list (free), and gets intervals back.
 *
 * ## The allocation
 *
 * Let A = max(0, remaining − reserve) be the plannable credits and T = periodEnd − now the time
 * left (at least a minute), so B = A / T (credits per ms) is the fastest we may spend if the
 * current situation lasted until the reset. Each sport gets the weight of its hottest event,
 * w = 36 in play, 6 starting within the hour, 1 later, 0 without events, and a cost per poll cycle
 * k (odds, plus scores while in play). Its share of the budget is
 *
 *     rate_s = B · w_s / max(Σw, 36),     interval_s = k_s / rate_s
 *
 * The `max(…, 36)` is a phantom in-play sport: when nothing is in play the sports present spend
 * only their weight's share of B and the rest is banked, which raises B for the next in-play
 * hours (B is recomputed from the provider's count on every plan). When something is in play,
 * Σw ≥ 36 and the whole of B is shared, an in-play sport getting 36× a later one's rate.
 *
 * Then, per sport: the interval is at least max(minIntervalMs, class floor) (floor: 1 min soon,
 * 10 min later; a faster poll of a pre-match price buys nothing). When nothing is in play, up to
 * 1/8 of B (never more than the phantom's unused share) tops soon and later sports up towards
 * their ceilings (30 min soon, 6 h later) so pre-match prices are not older than that when the
 * credits allow; when they don't, each deficit is filled by the same fraction, so intervals grow
 * smoothly past the ceiling. With fewer than 5 odds calls plannable only in-play sports are
 * polled; with less than one poll cycle, nothing.
 *
 * Spend: Σ rate ≤ B · Σw / max(Σw, 36) + (B − B · Σw / 36 when Σw < 36) ≤ B, so
 * rate × T ≤ A: the plan never spends more than the remaining credits minus the reserve.
 *
 * @example
 * // 500 credits, 30 days left, reserve 20, odds 9, scores 1; EPL in play, NBA tonight (later)
 * // B = 480 / 30 d = 16 credits/day; Σw = 37
 * // EPL: rate = 16 · 36/37 = 15.57/day, k = 10 → every 15.4 h   (odds + scores)
 * // NBA: rate = 16 · 1/37  = 0.43/day,  k = 9  → every 20.8 days
 * // at 20,000 credits (B = 666/day) EPL is polled every 22 min, NBA every 12 h.
 */

export type PollClass = "in_play" | "soon" | "later" | "idle";

export interface ScheduledEvent {
  id: string;
  /** ms since epoch */
  commence: number;
  completed: boolean;
}

export interface SportSchedule {
  sport: string;
  events: ScheduledEvent[];
  /**
   * ms: how long this sport's events count in play without a completion seen (default: the
   * input's inPlayWindowMs). A typical length plus overtime, e.g. 2.5 h for soccer: polls after
   * the final whistle buy nothing, and on a small plan the scores call that would show completion
   * may be hours away.
   */
  inPlayWindowMs?: number;
}

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

/** Relative rates: an in-play sport is polled 6× as often as one starting soon, 36× a later one. */
export const CLASS_WEIGHT: Readonly<Record<PollClass, number>> = { in_play: 36, soon: 6, later: 1, idle: 0 };
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
export const DEFAULT_IN_PLAY_WINDOW_MS = 4 * HOUR_MS;
export const DEFAULT_SOON_WINDOW_MS = HOUR_MS;
/** ms: the time left is taken as at least this, so a plan at (or past) the reset stays finite. */
const MIN_TIME_LEFT_MS = MINUTE_MS;

interface Counted {
  sport: string;
  class: PollClass;
  inPlay: number;
  soon: number;
  later: number;
}

/** Counts a sport's events by class; finished (or long-stale) events count for nothing. */
export function classify(schedule: SportSchedule, now: number, inPlayWindowMs: number, soonWindowMs: number): Counted {
  let inPlay = 0;
  let soon = 0;
  let later = 0;
  for (const event of schedule.events) {
    if (event.completed) continue;
    const sinceStart = now - event.commence;
    if (sinceStart >= 0) {
      if (sinceStart < inPlayWindowMs) inPlay++;
    } else if (-sinceStart <= soonWindowMs) soon++;
    else later++;
  }
  const cls: PollClass = inPlay > 0 ? "in_play" : soon > 0 ? "soon" : later > 0 ? "later" : "idle";
  return { sport: schedule.sport, class: cls, inPlay, soon, later };
}

/**
 * A sport's weight: its hottest class's, times √(events in play) while in play. One odds call
 * refreshes all of a sport's events, so the average age over events, Σ n_s / rate_s, is least for
 * a given spend with rate_s ∝ √n_s.
 * @example weightOf({ class: "in_play", inPlay: 9, … }) // 108
 */
export function weightOf(counted: Pick<Counted, "class" | "inPlay">): number {
  const base = CLASS_WEIGHT[counted.class];
  return counted.class === "in_play" ? base * Math.sqrt(counted.inPlay) : base;
}

interface Allocation {
  counted: Counted;
  /** Credits per poll cycle (odds, plus scores in play). */
  cost: number;
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
 *   scoresCost: 1, minIntervalMs: 10_000, sports }).sports[0]?.oddsIntervalMs // ≈ 15.4 h in play
 */
export function plan(input: PlannerInput): Plan {
  const timeLeft = Math.max(input.periodEnd - input.now, MIN_TIME_LEFT_MS);
  const plannable = Math.max(0, input.remaining - input.reserve);
  const budget = plannable / timeLeft;
  const allocations = input.sports.map((schedule) => allocate(input, schedule, plannable));
  const weightSum = allocations.reduce((sum, a) => sum + a.weight, 0);
  const inPlayWeight = CLASS_WEIGHT.in_play;
  for (const a of allocations) {
    a.rate = Math.min((budget * a.weight) / Math.max(weightSum, inPlayWeight), a.weight > 0 ? a.cost / a.floorMs : 0);
  }
  if (weightSum < inPlayWeight) {
    topUpToCeilings(allocations, Math.min(budget * (1 - weightSum / inPlayWeight), budget * CEILING_SHARE));
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

/** One sport's class, cost and bounds; its weight is 0 when the credits left can't pay for it. */
function allocate(input: PlannerInput, schedule: SportSchedule, plannable: number): Allocation {
  const counted = classify(
    schedule,
    input.now,
    schedule.inPlayWindowMs ?? input.inPlayWindowMs ?? DEFAULT_IN_PLAY_WINDOW_MS,
    input.soonWindowMs ?? DEFAULT_SOON_WINDOW_MS,
  );
  const cost = counted.class === "in_play" ? input.oddsCost + input.scoresCost : input.oddsCost;
  const affordable =
    plannable >= cost && (counted.class === "in_play" || plannable >= LOW_CREDIT_CALLS * input.oddsCost);
  const floorMs = Math.max(input.minIntervalMs, CLASS_FLOOR_MS[counted.class], 1);
  const ceiling = CLASS_CEILING_MS[counted.class];
  return {
    counted,
    cost,
    weight: affordable ? weightOf(counted) : 0,
    floorMs,
    ceilingMs: ceiling === null ? null : Math.max(ceiling, floorMs),
    rate: 0,
  };
}

/**
 * Raises each sport's rate towards one poll per ceiling, spending at most `spare` (credits per ms):
 * every deficit is filled by the same fraction, so the result moves smoothly with the budget.
 */
function topUpToCeilings(allocations: Allocation[], spare: number): void {
  const deficits = allocations.map((a) =>
    a.weight > 0 && a.ceilingMs !== null ? Math.max(0, a.cost / a.ceilingMs - a.rate) : 0,
  );
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
    scoresIntervalMs: inPlay ? interval : null,
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
export type { SpendEntry, SpendSnapshot } from "./spend-ledger";

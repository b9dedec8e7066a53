/**
 * How hot a sport is for polling: its events' classes (in play, starting soon, later) and the
 * weight the budget planner gives it. Shared by the planner and its demand forecast.
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
   * planner input's inPlayWindowMs). A typical length plus overtime, e.g. 2.5 h for soccer: polls
   * after the final whistle buy nothing, and on a small plan the scores call that would show
   * completion may be hours away.
   */
  inPlayWindowMs?: number;
  /**
   * ms since epoch: when the sport's odds were last polled, if the caller knows (null: never). Lets
   * the forecast see that the first in-play session after a long gap will cost a whole poll.
   */
  lastPolledAt?: number | null;
}

export interface ClassCounts {
  sport: string;
  class: PollClass;
  /** Events in play, starting soon, starting later. */
  inPlay: number;
  soon: number;
  later: number;
}

const HOUR_MS = 3_600_000;
export const DEFAULT_IN_PLAY_WINDOW_MS = 4 * HOUR_MS;
export const DEFAULT_SOON_WINDOW_MS = HOUR_MS;

/** Relative rates: an in-play sport is polled 6× as often as one starting soon, 36× a later one. */
export const CLASS_WEIGHT: Readonly<Record<PollClass, number>> = { in_play: 36, soon: 6, later: 1, idle: 0 };

/**
 * Counts a sport's events by class at `now` (ms); finished events, and events more than
 * `inPlayWindowMs` past their start, count for nothing. The sport's class is its hottest event's.
 */
export function classify(schedule: SportSchedule, now: number, inPlayWindowMs: number, soonWindowMs: number): ClassCounts {
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
  return { sport: schedule.sport, class: classOf(inPlay, soon, later), inPlay, soon, later };
}

export function classOf(inPlay: number, soon: number, later: number): PollClass {
  return inPlay > 0 ? "in_play" : soon > 0 ? "soon" : later > 0 ? "later" : "idle";
}

/**
 * A sport's weight: its class's, times √(events in play) while in play. One odds call refreshes
 * all of a sport's events, so the mean price age over events, Σ n_s / rate_s, is least for a
 * given spend Σ rate_s when rate_s ∝ √n_s.
 * @example weightOf({ class: "in_play", inPlay: 9 }) // 108
 */
export function weightOf(counts: Pick<ClassCounts, "class" | "inPlay">): number {
  const base = CLASS_WEIGHT[counts.class];
  return counts.class === "in_play" ? base * Math.sqrt(counts.inPlay) : base;
}

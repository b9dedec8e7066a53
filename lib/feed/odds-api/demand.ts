import { type PollClass, type ScheduledEvent, classOf, weightOf } from "./poll-class";

/**
 * The planner's forecast: what polling at a given rate per unit of weight would cost until the
 * reset, read off the free fixture list, so the rate can be chosen to last the period.
 *
 * A sport polled at `u · w(t)` credits per ms (w its weight at t) spends u · ∫w dt, plus one
 * poll on entering each in-play session: its interval was measured from a poll made while it was
 * cold, so the first in-play poll falls due at once when the session starts. That entry costs a
 * full poll cycle k when the gap since the previous session is long against the in-play interval
 * k / (u·w), and u·w·gap when it is short (the poll would have come anyway):
 *
 *     spend(u) = scale · Σ_sports [ u · ∫w dt + Σ_sessions min(k, u · w_entry · gap) ]
 *
 * where `scale` stretches the known fixtures over the rest of the period when the list ends
 * before the reset. spend is continuous and increasing in u, so u is found by bisection.
 */

export type Area = Record<Exclude<PollClass, "idle">, number>;

export interface SportDemand {
  /** weight · ms per class over [now, until). */
  area: Area;
  /** In-play sessions starting after now: weight on entry, ms since the previous session (or since now). */
  entries: { weight: number; gapMs: number }[];
}

/**
 * A sport's demand over [now, until) (ms), assuming its events stay in play for `inPlayWindowMs`.
 * @example sportDemand([{ id: "a", commence: now + 2 * HOUR, completed: false }], now, now + DAY, 2 * HOUR, HOUR)
 * // area: { later: 1 · 1 h, soon: 6 · 1 h, in_play: 36 · 2 h } (in weight · ms); entries: [{ weight: 36, gapMs: 2 h }]
 */
export function sportDemand(
  events: readonly ScheduledEvent[],
  now: number,
  until: number,
  inPlayWindowMs: number,
  soonWindowMs: number,
  lastPolledAt: number | null = now,
): SportDemand {
  const starts = events
    .filter((e) => !e.completed && e.commence + inPlayWindowMs > now && e.commence < until)
    .map((e) => e.commence)
    .sort((a, b) => a - b);
  const upTo = (t: number) => countAtMost(starts, t);
  const area: Area = { in_play: 0, soon: 0, later: 0 };
  const entries: SportDemand["entries"] = [];
  // The first gap runs from the last poll (from now when unknown); never-polled sports count from
  // a day back, so the entry's cost stays proportional to u and a small budget still buys polls.
  let lastInPlayEnd = Math.min(now, lastPolledAt ?? now - 86_400_000);
  let wasInPlay = false;
  const points = breakpoints(starts, now, until, inPlayWindowMs, soonWindowMs);
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i]!;
    const b = points[i + 1]!;
    const mid = (a + b) / 2;
    const inPlay = upTo(mid) - upTo(mid - inPlayWindowMs);
    const cls = classOf(inPlay, upTo(mid + soonWindowMs) - upTo(mid), starts.length - upTo(mid + soonWindowMs));
    if (cls === "idle") continue;
    const weight = weightOf({ class: cls, inPlay });
    area[cls] += weight * (b - a);
    if (cls === "in_play" && !wasInPlay && a > now) entries.push({ weight, gapMs: a - lastInPlayEnd });
    if (cls !== "in_play" && wasInPlay) lastInPlayEnd = a;
    wasInPlay = cls === "in_play";
  }
  return { area, entries };
}

/** Sorted, distinct times in [now, until] where a sport's class or in-play count can change. */
function breakpoints(starts: number[], now: number, until: number, inPlayWindowMs: number, soonWindowMs: number): number[] {
  const points = new Set([now, until]);
  for (const c of starts) {
    for (const p of [c - soonWindowMs, c, c + inPlayWindowMs]) if (p > now && p < until) points.add(p);
  }
  return [...points].sort((a, b) => a - b);
}

/** How many of the sorted `values` are ≤ t. */
function countAtMost(values: readonly number[], t: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface DemandModel {
  /** weight · ms over the included classes of every sport. */
  area: number;
  entries: { weight: number; gapMs: number; cost: number }[];
  /** Rest of the period over the stretch the fixtures cover (≥ 1). */
  scale: number;
}

/** Credits spent until the reset at `u` credits per ms per unit of weight. */
export function expectedSpend(model: DemandModel, u: number): number {
  const entries = model.entries.reduce((sum, e) => sum + Math.min(e.cost, u * e.weight * e.gapMs), 0);
  return model.scale * (u * model.area + entries);
}

/**
 * The largest u ≤ cap (credits per ms per weight) whose expected spend stays within `credits`.
 * @example unitRate({ area: 36 * DAY, entries: [], scale: 1 }, 360, 1) // 10 / DAY: 360 credits over 36 weight-days
 */
export function unitRate(model: DemandModel, credits: number, cap: number): number {
  if (!(cap > 0) || credits <= 0) return 0;
  if (expectedSpend(model, cap) <= credits) return cap;
  let lo = 0;
  let hi = cap;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (expectedSpend(model, mid) <= credits) lo = mid;
    else hi = mid;
  }
  return lo;
}

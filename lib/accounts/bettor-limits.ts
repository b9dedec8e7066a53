import { z } from "zod";
import { fromCents, money, toCents } from "./money";

/**
 * The limits a bettor sets on themself, as licensed books must offer them (docs/limits.md). Pure:
 * the rules, no storage. A stake limit caps what the bettor stakes in a rolling day, week or month;
 * lowering one takes effect at once, raising or removing one only 24 hours later, so a decision
 * taken in the heat of a losing run waits a day. A time-out (24 hours to 6 weeks) or a
 * self-exclusion (6 months or more) refuses every new bet until it ends, and the bettor can neither
 * shorten nor end either. A reality check reminds the bettor, every so many minutes of a session,
 * how long they have played and what they staked and got back.
 */

export const LIMIT_PERIODS = ["day", "week", "month"] as const;
export type LimitPeriod = (typeof LIMIT_PERIODS)[number];

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** How far back each stake limit looks: rolling windows, not calendar ones. */
export const PERIOD_MS: Record<LimitPeriod, number> = { day: DAY_MS, week: 7 * DAY_MS, month: 30 * DAY_MS };

/** How long a raise (or a removal) of a stake limit waits before it holds. */
export const RAISE_DELAY_MS = DAY_MS;

/** A time-out lasts whole days, from 1 (24 hours) to 42 (6 weeks). */
export const TIME_OUT_DAYS = { min: 1, max: 42 } as const;

/** A self-exclusion lasts one of these numbers of months (6 months or more). */
export const SELF_EXCLUSION_MONTHS = [6, 12, 24, 60] as const;

/** The minutes a reality check may come after; null turns it off. */
export const REALITY_CHECK_MINUTES = [15, 30, 60, 90, 120] as const;

/** The largest stake limit one may set: far above any stake, so "no limit" is said by null. */
export const MAX_STAKE_LIMIT = 10_000_000;

/** A stake limit as stored: what holds, and a raise or removal that waits for `pendingFrom`. */
export interface StakeLimitState {
  amount: number | null;
  pendingAmount: number | null;
  pendingFrom: Date | null;
}

export const NO_LIMIT: StakeLimitState = { amount: null, pendingAmount: null, pendingFrom: null };

/** The limit in force at `now`: the pending one once it is due. Null: no limit. */
export function limitInForce(state: StakeLimitState, now: Date): number | null {
  return state.pendingFrom && state.pendingFrom.getTime() <= now.getTime() ? state.pendingAmount : state.amount;
}

/** `state` with a due pending change folded into what holds. */
export function settled(state: StakeLimitState, now: Date): StakeLimitState {
  if (!state.pendingFrom || state.pendingFrom.getTime() > now.getTime()) return state;
  return { amount: state.pendingAmount, pendingAmount: null, pendingFrom: null };
}

/** Whether limit `a` is stricter than `b` (null: none). */
const stricter = (a: number | null, b: number | null) => a !== null && (b === null || a < b);

/**
 * The stored state after the bettor asks for `wanted` (null: no limit) at `now`. Lower than the
 * limit in force: it holds at once, and any raise that waited is dropped. Higher, or none: what
 * holds stays, and `wanted` waits RAISE_DELAY_MS (asking again restarts the wait). The same as in
 * force: any waiting change is dropped.
 *
 * @example requestLimit({ amount: 50, pendingAmount: null, pendingFrom: null }, 20, now) // { amount: 20, pending none }
 * @example requestLimit({ amount: 50, pendingAmount: null, pendingFrom: null }, 80, now) // { amount: 50, pendingAmount: 80, pendingFrom: now + 24 h }
 */
export function requestLimit(state: StakeLimitState, wanted: number | null, now: Date): StakeLimitState {
  const current = settled(state, now);
  if (wanted === current.amount) return { amount: current.amount, pendingAmount: null, pendingFrom: null };
  if (stricter(wanted, current.amount)) return { amount: wanted, pendingAmount: null, pendingFrom: null };
  return { amount: current.amount, pendingAmount: wanted, pendingFrom: new Date(now.getTime() + RAISE_DELAY_MS) };
}

/** A bettor's block on betting, if any holds at `now`. */
export interface BetBlock {
  kind: "time_out" | "self_exclusion";
  until: Date;
}

export function blockInForce(block: BetBlock | null, now: Date): BetBlock | null {
  return block && block.until.getTime() > now.getTime() ? block : null;
}

/** Adds `months` calendar months (the day of the month kept where it exists, else the month's last day). */
export function addMonths(from: Date, months: number): Date {
  const result = new Date(from.getTime());
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  return result;
}

/**
 * The block after the bettor asks for `wanted` at `now`: a block only ever grows. It lasts until
 * the later of the two ends, and is a self-exclusion if either is; a request that ends sooner than
 * what holds changes nothing.
 */
export function requestBlock(current: BetBlock | null, wanted: BetBlock, now: Date): BetBlock {
  const holding = blockInForce(current, now);
  if (!holding) return wanted;
  return {
    kind: holding.kind === "self_exclusion" || wanted.kind === "self_exclusion" ? "self_exclusion" : "time_out",
    until: new Date(Math.max(holding.until.getTime(), wanted.until.getTime())),
  };
}

/** What a bettor has staked in each window so far, in cents. */
export type StakedByPeriod = Record<LimitPeriod, number>;

/** The first limit `stake` (cents) would pass, with what is left under it (cents); null when it fits all. */
export function stakeOverLimit(
  limits: Partial<Record<LimitPeriod, number | null>>,
  staked: StakedByPeriod,
  stakeCents: number,
): { period: LimitPeriod; limitCents: number; leftCents: number } | null {
  for (const period of LIMIT_PERIODS) {
    const limit = limits[period];
    if (limit === null || limit === undefined) continue;
    const limitCents = toCents(limit);
    if (staked[period] + stakeCents > limitCents) return { period, limitCents, leftCents: Math.max(0, limitCents - staked[period]) };
  }
  return null;
}

/** The words a stake-limit refusal says it in. */
export function stakeLimitMessage(period: LimitPeriod, limitCents: number, leftCents: number): string {
  const left = leftCents > 0 ? `${money(fromCents(leftCents))} left` : "nothing left";
  return `this stake would pass your ${period === "day" ? "daily" : `${period}ly`} stake limit of ${money(fromCents(limitCents))} (${left} for now)`;
}

/** POST /api/account/limits: one change at a time. */
export const LimitChange = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("stake"),
    period: z.enum(LIMIT_PERIODS),
    /** Null: no limit (a removal waits like a raise). */
    amount: z.number().positive().max(MAX_STAKE_LIMIT).multipleOf(0.01).nullable(),
  }),
  z.object({ kind: z.literal("time_out"), days: z.number().int().min(TIME_OUT_DAYS.min).max(TIME_OUT_DAYS.max) }),
  z.object({
    kind: z.literal("self_exclusion"),
    months: z
      .number()
      .int()
      .refine((months) => (SELF_EXCLUSION_MONTHS as readonly number[]).includes(months), { message: `one of ${SELF_EXCLUSION_MONTHS.join(", ")}` }),
  }),
  z.object({
    kind: z.literal("reality_check"),
    minutes: z
      .number()
      .int()
      .refine((minutes) => (REALITY_CHECK_MINUTES as readonly number[]).includes(minutes), { message: `one of ${REALITY_CHECK_MINUTES.join(", ")}` })
      .nullable(),
  }),
]);
export type LimitChange = z.infer<typeof LimitChange>;

/** GET /api/account/limits, and the answer to every change. */
export const LimitsView = z.object({
  stake: z.record(
    z.enum(LIMIT_PERIODS),
    z.object({
      /** In force now, null: none. */
      amount: z.number().nullable(),
      /** A raise or removal waiting, and when it holds (ISO 8601). */
      pending: z.object({ amount: z.number().nullable(), from: z.string() }).nullable(),
      /** Staked in the window so far. */
      staked: z.number(),
    }),
  ),
  block: z.object({ kind: z.enum(["time_out", "self_exclusion"]), until: z.string() }).nullable(),
  realityCheckMinutes: z.number().int().nullable(),
  /** This session: when it began (ISO 8601), what was staked and what came back since. */
  session: z.object({ startedAt: z.string(), staked: z.number(), returned: z.number() }),
});
export type LimitsView = z.infer<typeof LimitsView>;

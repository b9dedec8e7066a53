import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type BetBlock,
  LimitChange,
  NO_LIMIT,
  RAISE_DELAY_MS,
  type StakeLimitState,
  addMonths,
  blockInForce,
  limitInForce,
  requestBlock,
  requestLimit,
  stakeLimitMessage,
  stakeOverLimit,
} from "./bettor-limits";

const at = (ms: number) => new Date(Date.UTC(2026, 11, 1) + ms);
const HOUR = 3_600_000;

const limitArb = fc.option(fc.integer({ min: 1, max: 100_000 }), { nil: null });

describe("stake limits", () => {
  it("lowers at once and raises only a day later", () => {
    const fifty = requestLimit(NO_LIMIT, 50, at(0));
    expect(limitInForce(fifty, at(0))).toBe(50);
    const raised = requestLimit(fifty, 80, at(HOUR));
    expect(limitInForce(raised, at(HOUR))).toBe(50);
    expect(limitInForce(raised, at(HOUR + RAISE_DELAY_MS - 1))).toBe(50);
    expect(limitInForce(raised, at(HOUR + RAISE_DELAY_MS))).toBe(80);
    const removed = requestLimit(fifty, null, at(HOUR));
    expect(limitInForce(removed, at(HOUR + RAISE_DELAY_MS - 1))).toBe(50);
    expect(limitInForce(removed, at(HOUR + RAISE_DELAY_MS))).toBeNull();
    // Lowering while a raise waits drops the raise.
    const lowered = requestLimit(raised, 30, at(2 * HOUR));
    expect(lowered).toEqual({ amount: 30, pendingAmount: null, pendingFrom: null });
    expect(limitInForce(lowered, at(HOUR + RAISE_DELAY_MS))).toBe(30);
    // Asking for what holds drops a waiting change.
    expect(requestLimit(raised, 50, at(2 * HOUR))).toEqual({ amount: 50, pendingAmount: null, pendingFrom: null });
  });

  it("never lets the limit in force rise sooner than a day after the bettor asked (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(limitArb, fc.integer({ min: 0, max: 3 * 24 * HOUR })), { minLength: 1, maxLength: 12 }), (requests) => {
        let state: StakeLimitState = NO_LIMIT;
        let clock = 0;
        /** Each request's time and what was in force just before it. */
        const history: { t: number; wanted: number | null; before: number | null }[] = [];
        for (const [wanted, wait] of requests) {
          clock += wait;
          history.push({ t: clock, wanted, before: limitInForce(state, at(clock)) });
          state = requestLimit(state, wanted, at(clock));
          const now = limitInForce(state, at(clock));
          // Right after a request, the limit in force is never looser than before it, nor than what was asked when that is stricter.
          const before = history[history.length - 1]!.before;
          if (before !== null) expect(now === null ? Number.POSITIVE_INFINITY : now).toBeLessThanOrEqual(before);
          if (wanted !== null && (before === null || wanted < before)) expect(now).toBe(wanted);
        }
        // At any later moment, a looser limit in force was asked for at least RAISE_DELAY_MS before.
        for (const probe of [0, HOUR, RAISE_DELAY_MS - 1, RAISE_DELAY_MS, 2 * RAISE_DELAY_MS]) {
          const t = clock + probe;
          const inForce = limitInForce(state, at(t));
          const last = history[history.length - 1]!;
          if (inForce !== last.before && last.before !== null && (inForce === null || inForce > last.before)) {
            expect(t - last.t).toBeGreaterThanOrEqual(RAISE_DELAY_MS);
            expect(inForce).toBe(last.wanted);
          }
        }
      }),
    );
  });

  it("refuses the stake that would pass a window's limit, saying what is left", () => {
    const staked = { day: 4_000, week: 9_000, month: 9_000 };
    expect(stakeOverLimit({ day: 50, week: null, month: 200 }, staked, 1_000)).toBeNull();
    expect(stakeOverLimit({ day: 50, week: null, month: 200 }, staked, 1_001)).toEqual({ period: "day", limitCents: 5_000, leftCents: 1_000 });
    expect(stakeOverLimit({ week: 95 }, staked, 1_000)).toEqual({ period: "week", limitCents: 9_500, leftCents: 500 });
    expect(stakeOverLimit({ month: 80 }, staked, 100)).toEqual({ period: "month", limitCents: 8_000, leftCents: 0 });
    expect(stakeLimitMessage("week", 9_500, 500)).toMatch(/weekly stake limit of .*95\.00 \(.*5\.00 left for now\)/);
    expect(stakeLimitMessage("day", 5_000, 0)).toMatch(/daily stake limit .*nothing left/);
  });

  it("takes amounts to the cent, or null for none", () => {
    expect(LimitChange.safeParse({ kind: "stake", period: "week", amount: 25.5 }).success).toBe(true);
    expect(LimitChange.safeParse({ kind: "stake", period: "week", amount: null }).success).toBe(true);
    expect(LimitChange.safeParse({ kind: "stake", period: "week", amount: 0 }).success).toBe(false);
    expect(LimitChange.safeParse({ kind: "stake", period: "year", amount: 5 }).success).toBe(false);
    expect(LimitChange.safeParse({ kind: "time_out", days: 43 }).success).toBe(false);
    expect(LimitChange.safeParse({ kind: "self_exclusion", months: 3 }).success).toBe(false);
    expect(LimitChange.safeParse({ kind: "reality_check", minutes: null }).success).toBe(true);
  });
});

describe("time-outs and self-exclusion", () => {
  const timeOut = (days: number, from: number): BetBlock => ({ kind: "time_out", until: at(from + days * 24 * HOUR) });

  it("only ever grow: a shorter request changes nothing, a self-exclusion outranks a time-out", () => {
    const week = requestBlock(null, timeOut(7, 0), at(0));
    expect(requestBlock(week, timeOut(1, 0), at(HOUR))).toEqual(week);
    expect(requestBlock(week, timeOut(14, 0), at(HOUR))).toEqual(timeOut(14, 0));
    const excluded = requestBlock(week, { kind: "self_exclusion", until: addMonths(at(0), 6) }, at(HOUR));
    expect(excluded.kind).toBe("self_exclusion");
    expect(requestBlock(excluded, timeOut(42, 0), at(HOUR))).toEqual(excluded);
    // One that has ended holds nothing back.
    expect(blockInForce(week, at(7 * 24 * HOUR))).toBeNull();
    expect(requestBlock(week, timeOut(1, 8 * 24 * HOUR), at(8 * 24 * HOUR))).toEqual(timeOut(1, 8 * 24 * HOUR));
  });

  it("never ends sooner after any request (property)", () => {
    const blockArb = fc.record({ kind: fc.constantFrom("time_out" as const, "self_exclusion" as const), days: fc.integer({ min: 1, max: 2_000 }) });
    fc.assert(
      fc.property(fc.array(fc.tuple(blockArb, fc.integer({ min: 0, max: 10 * 24 * HOUR })), { maxLength: 10 }), (requests) => {
        let block: BetBlock | null = null;
        let clock = 0;
        for (const [{ kind, days }, wait] of requests) {
          clock += wait;
          const before = blockInForce(block, at(clock));
          block = requestBlock(block, { kind, until: at(clock + days * 24 * HOUR) }, at(clock));
          if (before) {
            expect(block.until.getTime()).toBeGreaterThanOrEqual(before.until.getTime());
            if (before.kind === "self_exclusion") expect(block.kind).toBe("self_exclusion");
          }
        }
      }),
    );
  });

  it("counts self-exclusion in calendar months, keeping the day where the month has it", () => {
    expect(addMonths(new Date("2026-12-07T10:00:00Z"), 6).toISOString()).toBe("2027-06-07T10:00:00.000Z");
    expect(addMonths(new Date("2026-08-31T10:00:00Z"), 6).toISOString()).toBe("2027-02-28T10:00:00.000Z");
    expect(addMonths(new Date("2026-12-07T10:00:00Z"), 60).toISOString()).toBe("2031-12-07T10:00:00.000Z");
  });
});

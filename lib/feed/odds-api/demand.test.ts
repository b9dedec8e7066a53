import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type DemandModel, expectedSpend, sportDemand, unitRate } from "./demand";

const NOW = Date.UTC(2026, 10, 7, 15, 0);
const HOUR = 3_600_000;
const DAY = 86_400_000;
const event = (id: string, commence: number, completed = false) => ({ id, commence, completed });

describe("sportDemand", () => {
  it("splits the weight-time of one event into later, soon and in play, with one session entry", () => {
    const d = sportDemand([event("a", NOW + 2 * HOUR)], NOW, NOW + DAY, 2 * HOUR, HOUR, NOW - 3 * HOUR);
    expect(d.area).toEqual({ later: 1 * HOUR, soon: 6 * HOUR, in_play: 36 * 2 * HOUR });
    expect(d.entries).toEqual([{ weight: 36, gapMs: 5 * HOUR }]);
  });

  it("weights overlapping events by √n and merges them into one session", () => {
    const d = sportDemand([event("a", NOW + HOUR), event("b", NOW + 2 * HOUR)], NOW, NOW + DAY, 2 * HOUR, 0);
    // 1 h with one in play, 1 h with two, 1 h with one.
    expect(d.area.in_play).toBeCloseTo(36 * HOUR * (2 + Math.SQRT2), 6);
    expect(d.entries).toHaveLength(1);
  });

  it("counts no entry for a session already under way, and nothing for completed events", () => {
    const d = sportDemand([event("a", NOW - HOUR), event("b", NOW - HOUR, true)], NOW, NOW + DAY, 2 * HOUR, HOUR);
    expect(d.entries).toEqual([]);
    expect(d.area).toEqual({ later: 0, soon: 0, in_play: 36 * HOUR });
  });

  it("measures the gap from the previous session's end", () => {
    const d = sportDemand([event("a", NOW + HOUR), event("b", NOW + 10 * HOUR)], NOW, NOW + DAY, 2 * HOUR, 0, null);
    expect(d.entries.map((e) => e.gapMs)).toEqual([HOUR + DAY, 7 * HOUR]);
  });
});

describe("unitRate", () => {
  it("solves the documented example", () => {
    expect(unitRate({ area: 36 * DAY, entries: [], scale: 1 }, 360, 1) * DAY).toBeCloseTo(10, 9);
  });

  it("returns the cap when the forecast can't spend the credits, 0 with no credits", () => {
    expect(unitRate({ area: DAY, entries: [], scale: 1 }, 1e9, 0.5)).toBe(0.5);
    expect(unitRate({ area: DAY, entries: [], scale: 1 }, 0, 0.5)).toBe(0);
  });

  const arbModel = fc.record({
    area: fc.double({ min: 0, max: 1e9, noNaN: true }),
    entries: fc.array(
      fc.record({
        weight: fc.double({ min: 1, max: 200, noNaN: true }),
        gapMs: fc.double({ min: 0, max: 10 * DAY, noNaN: true }),
        cost: fc.integer({ min: 1, max: 20 }),
      }),
      { maxLength: 30 },
    ),
    scale: fc.double({ min: 1, max: 50, noNaN: true }),
  });

  it("never plans past the credits, and more credits never lower the rate", () => {
    fc.assert(
      fc.property(
        arbModel,
        fc.double({ min: 0, max: 1e5, noNaN: true }),
        fc.double({ min: 1e-12, max: 1, noNaN: true }),
        (model: DemandModel, credits, cap) => {
          const u = unitRate(model, credits, cap);
          expect(u).toBeGreaterThanOrEqual(0);
          expect(u).toBeLessThanOrEqual(cap);
          expect(expectedSpend(model, u)).toBeLessThanOrEqual(credits * (1 + 1e-9) + 1e-9);
          expect(unitRate(model, credits * 1.1, cap)).toBeGreaterThanOrEqual(u);
        },
      ),
    );
  });
});

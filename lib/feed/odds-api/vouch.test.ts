import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { freshnessGraceMs, sportVouches } from "./vouch";

describe("sportVouches", () => {
  it("vouches for a polled sport until its last successful poll plus its interval plus the grace", () => {
    const vouches = sportVouches(
      [
        { sport: "soccer_epl", oddsIntervalMs: 10_000 },
        { sport: "basketball_nba", oddsIntervalMs: 3_600_000 },
      ],
      new Map([
        ["soccer_epl", 60_000],
        ["basketball_nba", 1_000_000],
      ]),
    );
    expect(vouches).toEqual({
      soccer_epl: { freshUntil: 60_000 + 10_000 + 15_000 }, // one more interval and 5 s
      basketball_nba: { freshUntil: 1_000_000 + 3_600_000 + 3_605_000 },
    });
  });

  it("does not list a sport the planner does not poll, nor one no odds poll has reached yet", () => {
    const vouches = sportVouches(
      [
        { sport: "soccer_epl", oddsIntervalMs: null },
        { sport: "icehockey_nhl", oddsIntervalMs: 20_000 },
      ],
      new Map([["soccer_epl", 5_000]]),
    );
    expect(vouches).toEqual({});
  });

  it("the grace outlasts one missed poll by 5 s, and a longer interval never vouches for less", () => {
    expect(freshnessGraceMs(10_000)).toBe(15_000);
    expect(freshnessGraceMs(40_000)).toBe(45_000);
    fc.assert(
      fc.property(fc.integer({ min: 1_000, max: 86_400_000 }), fc.integer({ min: 0, max: 86_400_000 }), (interval, more) => {
        const grace = freshnessGraceMs(interval);
        expect(grace).toBeGreaterThanOrEqual(interval + 5_000);
        expect(interval + grace).toBeLessThanOrEqual(interval + more + freshnessGraceMs(interval + more));
      }),
    );
  });
});

import { describe, expect, it } from "vitest";
import { percentile } from "../../../bench/stats";
import { SIM_SPORTS, type SimulationResult, fixedIntervalPlanner, generateFixtures, simulate } from "./simulation";

// A month of polling on a fake clock (seeded fixtures, simulated time only: no waiting, no timing).
const DAY = 86_400_000;
const START = Date.UTC(2026, 10, 2); // a Monday
const END = START + 30 * DAY;
const SPORTS = [...SIM_SPORTS, "cricket_test"]; // cricket is off-season: no fixtures
const fixtures = generateFixtures(START, 30, 1);

function month(credits: number): SimulationResult {
  return simulate({
    start: START,
    end: END,
    credits,
    oddsCost: 9,
    scoresCost: 1,
    minIntervalMs: 10_000,
    reserve: 18,
    sports: SPORTS,
    fixtures,
  });
}

describe.each([500, 20_000])("a month on %i credits, 9 per odds call, 10 s minimum", (credits) => {
  const result = month(credits);

  it("never spends past the budget, at any point of the month", () => {
    expect(result.refused).toBe(0);
    let spent = 0;
    for (const poll of result.polls) {
      spent += poll.credits;
      expect(spent).toBeLessThanOrEqual(credits - 18);
      expect(poll.remaining).toBeGreaterThanOrEqual(18);
    }
    expect(result.spent).toBe(spent);
  });

  it("spends most of it rather than hoarding", () => {
    expect(result.spent).toBeGreaterThan((credits - 18) * 0.8);
  });

  it("makes more odds calls while a sport is in play than at all other times", () => {
    const inPlay = result.calls.reduce((sum, c) => sum + c.oddsInPlay, 0);
    const others = result.calls.reduce((sum, c) => sum + c.odds - c.oddsInPlay, 0);
    expect(inPlay).toBeGreaterThanOrEqual(others);
  });

  it("never polls a sport without events", () => {
    expect(result.calls.find((c) => c.sport === "cricket_test")).toEqual({
      sport: "cricket_test",
      odds: 0,
      oddsInPlay: 0,
      scores: 0,
      credits: 0,
    });
  });

  it("keeps in-play prices fresher than one fixed interval spending the same credits", () => {
    const gap = (30 * DAY * 9) / result.spent; // one odds call every `gap`, round-robin over the sports
    const baseline = simulate({
      start: START,
      end: END,
      credits: Number.MAX_SAFE_INTEGER,
      oddsCost: 9,
      scoresCost: 1,
      minIntervalMs: 10_000,
      reserve: 0,
      sports: SIM_SPORTS,
      fixtures,
      planner: fixedIntervalPlanner(gap * SIM_SPORTS.length, SIM_SPORTS),
      firstPollAt: Object.fromEntries(SIM_SPORTS.map((sport, i) => [sport, START + i * gap])),
    });
    expect(baseline.spent).toBeLessThanOrEqual(result.spent + 9);
    expect(percentile(result.staleness, 50)).toBeLessThan(percentile(baseline.staleness, 50));
  });
});

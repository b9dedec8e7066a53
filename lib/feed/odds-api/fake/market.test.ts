import { describe, expect, it } from "vitest";
import { BOOKMAKERS } from "./fixtures";
import { bookmakerOdds, createEvents, drift, isLive, score } from "./market";

const START = Date.parse("2026-03-01T12:00:00Z");
const context = (nowMs: number) => ({ seed: 3, nowMs, driftMs: 20_000, overrides: new Map() });
const events = createEvents(3, START);
const pinnacle = BOOKMAKERS.find((b) => b.key === "pinnacle")!;

describe("the fake's market", () => {
  it("is deterministic given a seed and a clock", () => {
    expect(createEvents(3, START)).toEqual(events);
    const event = events[3]!;
    expect(bookmakerOdds(context(START + 5_000), event, pinnacle, ["h2h"])).toEqual(bookmakerOdds(context(START + 5_000), event, pinnacle, ["h2h"]));
    expect(drift(3, "x", 42)).toBe(drift(3, "x", 42));
  });

  it("prices every market with an overround near the book's margin", () => {
    for (const event of events) {
      for (const book of BOOKMAKERS) {
        for (const market of bookmakerOdds(context(START), event, book, ["h2h", "spreads", "totals"]).markets) {
          const overround = market.outcomes.reduce((sum, o) => sum + 1 / o.price, 0);
          expect(overround).toBeGreaterThan(1.01);
          expect(overround).toBeLessThan(1.1);
        }
      }
    }
  });

  it("gives soccer a Draw and opposite spread points to home and away", () => {
    const soccer = events.find((e) => e.sport.key === "soccer_epl")!;
    const markets = bookmakerOdds(context(START), soccer, pinnacle, ["h2h", "spreads", "totals"]).markets;
    expect(markets[0]!.outcomes.map((o) => o.name)).toEqual([soccer.home, soccer.away, "Draw"]);
    const [home, away] = markets[1]!.outcomes;
    expect(home!.point).toBe(-away!.point!);
    expect(home!.point).not.toBe(0);
    const [over, under] = markets[2]!.outcomes;
    expect(over!.point).toBe(under!.point);
  });

  it("moves prices over time", () => {
    const event = events[4]!;
    const prices = new Set(
      Array.from({ length: 20 }, (_, i) => JSON.stringify(bookmakerOdds(context(START + i * 60_000), event, pinnacle, ["h2h"]).markets[0]!.outcomes)),
    );
    expect(prices.size).toBeGreaterThan(1);
  });

  it("scores in play only, and never goes back", () => {
    const live = events.filter((e) => isLive(e, START));
    expect(live.length).toBeGreaterThan(0);
    for (const event of live) {
      expect(score(3, event, event.commenceMs - 1)).toBeNull();
      let previous = 0;
      for (let t = event.commenceMs; t < event.commenceMs + event.sport.durationMs; t += 300_000) {
        const current = score(3, event, t)!;
        expect(current.home + current.away).toBeGreaterThanOrEqual(previous);
        previous = current.home + current.away;
      }
    }
  });
});

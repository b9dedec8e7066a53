import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { settle } from "./rules";

const h2h = (outcome: string, hasDraw = true) => ({ market: "h2h", outcome, point: null, hasDraw });
const spread = (outcome: string, point: number) => ({ market: "spreads", outcome, point, hasDraw: false });
const total = (outcome: string, point: number) => ({ market: "totals", outcome, point, hasDraw: false });

describe("settle", () => {
  it("h2h: the side with more points wins; a draw wins the draw, or pushes where there is none", () => {
    expect(settle(h2h("home"), { home: 2, away: 1 })).toBe("won");
    expect(settle(h2h("away"), { home: 2, away: 1 })).toBe("lost");
    expect(settle(h2h("draw"), { home: 2, away: 1 })).toBe("lost");
    expect(settle(h2h("draw"), { home: 1, away: 1 })).toBe("won");
    expect(settle(h2h("home"), { home: 1, away: 1 })).toBe("lost");
    expect(settle(h2h("home", false), { home: 101, away: 101 })).toBe("push");
  });

  it("spreads: the side's score plus its handicap against the other side; level pushes", () => {
    expect(settle(spread("home", -1.5), { home: 2, away: 1 })).toBe("lost"); // 2 − 1.5 < 1
    expect(settle(spread("away", 1.5), { home: 2, away: 1 })).toBe("won"); // 1 + 1.5 > 2
    expect(settle(spread("home", -1), { home: 2, away: 1 })).toBe("push");
    expect(settle(spread("away", 1), { home: 2, away: 1 })).toBe("push");
    expect(settle(spread("home", -7.5), { home: 110, away: 100 })).toBe("won");
  });

  it("totals: over above the line, under below it, both push on it", () => {
    expect(settle(total("over", 2.5), { home: 2, away: 1 })).toBe("won");
    expect(settle(total("under", 2.5), { home: 2, away: 1 })).toBe("lost");
    expect(settle(total("over", 3), { home: 2, away: 1 })).toBe("push");
    expect(settle(total("under", 3), { home: 2, away: 1 })).toBe("push");
  });

  it("a market it cannot settle from a score gives the stakes back", () => {
    expect(settle({ market: "corners", outcome: "over", point: 9.5, hasDraw: false }, { home: 1, away: 0 })).toBe("push");
  });

  it("the two sides of a spread or a total never both win, and push together", () => {
    const score = fc.record({ home: fc.nat(200), away: fc.nat(200) });
    const line = fc.integer({ min: -40, max: 40 }).map((half) => half / 2);
    fc.assert(
      fc.property(score, line, (s, point) => {
        const sides = [settle(spread("home", point), s), settle(spread("away", -point), s)];
        const totals = [settle(total("over", Math.abs(point) * 4), s), settle(total("under", Math.abs(point) * 4), s)];
        for (const [a, b] of [sides, totals]) {
          expect(a === "won" && b === "won").toBe(false);
          expect(a === "push").toBe(b === "push");
        }
      }),
    );
  });
});

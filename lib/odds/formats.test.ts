import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OddsInputError, americanToDecimal, decimalToAmerican, formatOdds, impliedProbability } from "./index";
import { anyPrice } from "./test-arbitraries";

describe("decimal ⇄ american", () => {
  it("converts the textbook moneylines", () => {
    expect(decimalToAmerican(2.5)).toBeCloseTo(150, 12);
    expect(decimalToAmerican(3)).toBeCloseTo(200, 12);
    expect(decimalToAmerican(1.5)).toBeCloseTo(-200, 12);
    expect(decimalToAmerican(1.909090909)).toBeCloseTo(-110, 6);
    expect(decimalToAmerican(1.2)).toBeCloseTo(-500, 12);
    expect(americanToDecimal(150)).toBeCloseTo(2.5, 15);
    expect(americanToDecimal(-110)).toBeCloseTo(1.9090909090909, 12);
    expect(americanToDecimal(-200)).toBeCloseTo(1.5, 15);
    expect(americanToDecimal(1000)).toBeCloseTo(11, 15);
  });

  it("treats +100 and −100 both as evens (2.0), and 2.0 as +100", () => {
    expect(americanToDecimal(100)).toBe(2);
    expect(americanToDecimal(-100)).toBe(2);
    expect(decimalToAmerican(2)).toBe(100);
  });

  it("rejects american odds strictly between −100 and +100", () => {
    for (const bad of [0, 50, -99.9, 99.99, NaN, Infinity, -Infinity]) {
      expect(() => americanToDecimal(bad)).toThrow(OddsInputError);
    }
    expect(() => americanToDecimal(-50)).toThrow(/got -50/);
  });

  it("round-trips decimal → american → decimal", () => {
    fc.assert(
      fc.property(anyPrice, (d) => {
        expect(Math.abs(americanToDecimal(decimalToAmerican(d)) - d)).toBeLessThanOrEqual(1e-12 * d);
      }),
    );
  });

  it("round-trips american → decimal → american (|a| > 100; −100 comes back as +100)", () => {
    const american = fc.oneof(fc.double({ min: 100, max: 1e5, noNaN: true }), fc.double({ min: -1e5, max: -100.000001, noNaN: true }));
    fc.assert(
      fc.property(american, (a) => {
        expect(Math.abs(decimalToAmerican(americanToDecimal(a)) - a)).toBeLessThanOrEqual(1e-9 * Math.abs(a));
      }),
    );
  });
});

describe("impliedProbability", () => {
  it("is 1/d", () => {
    expect(impliedProbability(2)).toBe(0.5);
    expect(impliedProbability(4)).toBe(0.25);
    expect(impliedProbability(1.25)).toBe(0.8);
  });
});

describe("formatOdds", () => {
  it("decimal: 2 dp, halves away from zero despite binary noise", () => {
    expect(formatOdds(2, "decimal")).toBe("2.00");
    expect(formatOdds(1.909, "decimal")).toBe("1.91");
    expect(formatOdds(1.005, "decimal")).toBe("1.01");
    expect(formatOdds(2.675, "decimal")).toBe("2.68");
    expect(formatOdds(1000, "decimal")).toBe("1000.00");
  });

  it("american: signed whole numbers", () => {
    expect(formatOdds(2.5, "american")).toBe("+150");
    expect(formatOdds(1.909, "american")).toBe("-110");
    expect(formatOdds(1.91, "american")).toBe("-110");
    expect(formatOdds(2, "american")).toBe("+100");
    expect(formatOdds(1.9999, "american")).toBe("+100");
    expect(formatOdds(1.5, "american")).toBe("-200");
    expect(formatOdds(11, "american")).toBe("+1000");
  });

  it("fractional: conventional fractions with the traditional spellings", () => {
    expect(formatOdds(2.1, "fractional")).toBe("11/10");
    expect(formatOdds(1.91, "fractional")).toBe("10/11");
    expect(formatOdds(1.67, "fractional")).toBe("4/6");
    expect(formatOdds(2.5, "fractional")).toBe("6/4");
    expect(formatOdds(3.13, "fractional")).toBe("85/40");
    expect(formatOdds(2, "fractional")).toBe("1/1");
  });

  it("rejects an unknown format and a bad price, naming them", () => {
    expect(() => formatOdds(2, "hongkong" as never)).toThrow(/"hongkong"/);
    expect(() => formatOdds(Number.NaN, "decimal")).toThrow(/got NaN/);
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OddsInputError, decimalToFractional, fractionalToDecimal } from "./index";

// The conventional UK ladder (lowest terms). Every one must round-trip exactly.
const CONVENTIONAL = [
  "1/50",
  "1/33",
  "1/25",
  "1/20",
  "1/16",
  "1/14",
  "1/12",
  "1/11",
  "1/10",
  "1/9",
  "1/8",
  "2/15",
  "1/7",
  "1/6",
  "2/11",
  "1/5",
  "2/9",
  "1/4",
  "2/7",
  "3/10",
  "1/3",
  "4/11",
  "2/5",
  "4/9",
  "1/2",
  "8/15",
  "4/7",
  "8/13",
  "2/3",
  "8/11",
  "4/5",
  "5/6",
  "10/11",
  "1/1",
  "21/20",
  "11/10",
  "6/5",
  "5/4",
  "11/8",
  "7/5",
  "3/2",
  "8/5",
  "13/8",
  "7/4",
  "9/5",
  "15/8",
  "2/1",
  "17/8",
  "9/4",
  "12/5",
  "5/2",
  "13/5",
  "11/4",
  "14/5",
  "3/1",
  "16/5",
  "10/3",
  "7/2",
  "4/1",
  "9/2",
  "5/1",
  "11/2",
  "6/1",
  "13/2",
  "7/1",
  "15/2",
  "8/1",
  "17/2",
  "9/1",
  "10/1",
  "11/1",
  "12/1",
  "14/1",
  "16/1",
  "18/1",
  "20/1",
  "22/1",
  "25/1",
  "28/1",
  "33/1",
  "40/1",
  "50/1",
  "66/1",
  "80/1",
  "100/1",
  "125/1",
  "150/1",
  "200/1",
  "250/1",
  "300/1",
  "400/1",
  "500/1",
  "750/1",
  "1000/1",
];

describe("decimalToFractional", () => {
  it("maps the spec's examples", () => {
    expect(decimalToFractional(2.1)).toBe("11/10");
    expect(decimalToFractional(2.625)).toBe("13/8");
    expect(decimalToFractional(2.0)).toBe("1/1");
  });

  it("maps near-ladder decimals (2-dp feed prices) to the conventional fraction", () => {
    expect(decimalToFractional(1.909)).toBe("10/11");
    expect(decimalToFractional(1.91)).toBe("10/11");
    expect(decimalToFractional(1.67)).toBe("2/3");
    expect(decimalToFractional(1.44)).toBe("4/9");
    expect(decimalToFractional(1.36)).toBe("4/11");
    expect(decimalToFractional(1.62)).toBe("8/13");
    expect(decimalToFractional(3.12)).toBe("17/8");
    expect(decimalToFractional(3.13)).toBe("17/8");
    expect(decimalToFractional(4.33)).toBe("10/3");
  });

  it("falls back to the best fraction with denominator ≤ 100 off the ladder", () => {
    expect(decimalToFractional(1.9)).toBe("9/10");
    expect(decimalToFractional(2.02)).toBe("51/50");
    expect(decimalToFractional(2.37)).toBe("11/8"); // within 0.005 of 11/8 = 2.375
    expect(decimalToFractional(2.39)).toBe("139/100");
    expect(decimalToFractional(1 + Math.PI)).toBe("311/99"); // π ≈ 311/99 is the best with q ≤ 100 (22/7 is coarser)
    expect(decimalToFractional(1000)).toBe("999/1");
  });

  it("never answers 0/n for a price just above 1", () => {
    expect(decimalToFractional(1.001)).toBe("1/1000");
    expect(decimalToFractional(1.0001)).toBe("1/10000");
  });

  it("round-trips every conventional fraction exactly", () => {
    for (const fraction of CONVENTIONAL) expect(decimalToFractional(fractionalToDecimal(fraction))).toBe(fraction);
  });

  it("is within half a hundredth of the decimal it came from, in lowest terms", () => {
    fc.assert(
      fc.property(fc.double({ min: 1.01, max: 1000, noNaN: true }), (d) => {
        const fraction = decimalToFractional(d);
        expect(Math.abs(fractionalToDecimal(fraction) - d)).toBeLessThanOrEqual(0.005 + 1e-9);
        const [n, m] = fraction.split("/").map(Number) as [number, number];
        expect(gcd(n, m)).toBe(1);
      }),
      { numRuns: 1000 },
    );
  });
});

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

describe("fractionalToDecimal", () => {
  it("parses n/m and evens", () => {
    expect(fractionalToDecimal("11/10")).toBeCloseTo(2.1, 15);
    expect(fractionalToDecimal("13/8")).toBe(2.625);
    expect(fractionalToDecimal(" 4 / 6 ")).toBeCloseTo(1.6666666666667, 12);
    expect(fractionalToDecimal("1/1")).toBe(2);
    expect(fractionalToDecimal("Evens")).toBe(2);
    expect(fractionalToDecimal("EVS")).toBe(2);
  });

  it("throws OddsInputError naming anything else", () => {
    for (const bad of ["", "abc", "0/1", "1/0", "-1/2", "1.5/2", "1/2/3", "11-10"]) {
      expect(() => fractionalToDecimal(bad)).toThrow(OddsInputError);
      expect(() => fractionalToDecimal(bad)).toThrow(JSON.stringify(bad));
    }
    expect(() => fractionalToDecimal(2 as never)).toThrow(/got 2/);
  });
});

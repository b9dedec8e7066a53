// Over 300 lines: every margin method against published worked examples, then properties over every method.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_MARGIN_METHOD, MARGIN_METHODS, type MarginMethod, OddsInputError, overround, removeMargin, removeMarginDetailed } from "./index";
import { bookPrices, market, rawPrices } from "./test-arbitraries";

const expectClose = (actual: number[], expected: number[], digits: number) => {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((value, i) => {
    expect(actual[i]).toBeCloseTo(value, digits);
  });
};

describe("overround", () => {
  it("is Σ 1/d − 1", () => {
    expect(overround([2, 2])).toBe(0);
    expect(overround([1.91, 1.91])).toBeCloseTo(2 / 1.91 - 1, 15);
    expect(overround([1.91, 1.91])).toBeCloseTo(0.04712, 5);
    // implied README: the three matches have margins 0.02118602, 0.02326112, 0.06346277.
    expect(overround([4.2, 3.7, 1.95])).toBeCloseTo(0.02118602, 8);
    expect(overround([2.45, 3.7, 2.9])).toBeCloseTo(0.02326112, 8);
    expect(overround([2.05, 3.2, 3.8])).toBeCloseTo(0.06346277, 8);
  });

  it("is negative for an underround", () => {
    expect(overround([2.1, 2.1])).toBeCloseTo(2 / 2.1 - 1, 15);
  });
});

// Source: R package `implied` by J. C. Lindstrøm (opisthokonta/implied, README.md, "three sets of
// bookmaker odds from three football matches"). implied solves with R's uniroot / the
// Jullien–Salanié iteration at a tolerance of .Machine$double.eps^0.25 ≈ 1.2e-4, so its printed
// parameters agree with our 1e-14 solution to ~3e-5 and its probabilities to ~2e-6: hence 4 and 5 dp.
describe("worked examples: the `implied` R package README", () => {
  const matches = [
    [4.2, 3.7, 1.95],
    [2.45, 3.7, 2.9],
    [2.05, 3.2, 3.8],
  ];

  it("basic (multiplicative) normalisation", () => {
    const expected = [
      [0.2331556, 0.2646631, 0.5021813],
      [0.3988848, 0.2641264, 0.3369888],
      [0.4586948, 0.2938514, 0.2474538],
    ];
    matches.forEach((odds, row) => {
      expectClose(removeMargin(odds, "multiplicative"), expected[row]!, 7);
    });
  });

  it("Shin's method, with the estimated insider share z", () => {
    const expected = [
      [0.2315716, 0.2635742, 0.5048542],
      [0.4000221, 0.2629271, 0.3370508],
      [0.4645882, 0.2919788, 0.2434331],
    ];
    const z = [0.01061048, 0.01163552, 0.03182353];
    matches.forEach((odds, row) => {
      const result = removeMarginDetailed(odds, "shin");
      expectClose(result.probabilities, expected[row]!, 5);
      expect(result.parameter).toBeCloseTo(z[row]!, 4);
    });
  });

  it("odds ratio (Cheung 2015), with the odds ratio c", () => {
    const expected = [
      [0.2320048, 0.2636415, 0.5043537],
      [0.3996912, 0.2633869, 0.3369219],
      [0.4634406, 0.2919032, 0.2446562],
    ];
    const c = [1.034449, 1.035805, 1.102606];
    matches.forEach((odds, row) => {
      const result = removeMarginDetailed(odds, "odds-ratio");
      expectClose(result.probabilities, expected[row]!, 5);
      expect(result.parameter).toBeCloseTo(c[row]!, 4);
    });
  });

  it("power (Buchdahl's 'logarithmic' method); implied reports the inverse exponent 1/k", () => {
    const expected = [
      [0.2311414, 0.2630644, 0.5057942],
      [0.4003156, 0.2627189, 0.3369655],
      [0.4667139, 0.2908985, 0.2423876],
    ];
    const inverseExponents = [0.9797664, 0.9788115, 0.9419744];
    matches.forEach((odds, row) => {
      const result = removeMarginDetailed(odds, "power");
      expectClose(result.probabilities, expected[row]!, 5);
      expect(1 / result.parameter).toBeCloseTo(inverseExponents[row]!, 4);
    });
  });
});

// Source: penaltyblog by Martin Eastwood (martineastwood/penaltyblog, test/test_implied.py), odds
// [2.7, 2.3, 4.4]; that suite checks 4 dp. We match multiplicative and additive exactly (closed
// forms), odds ratio and power to 6 dp; its Shin values carry the R package's 1.2e-4 tolerance.
describe("worked examples: penaltyblog's implied-probability tests", () => {
  const odds = [2.7, 2.3, 4.4];
  it.each([
    ["multiplicative", [0.358738, 0.4211273, 0.2201347], 6],
    ["additive", [0.3595618, 0.423974, 0.2164642], 6],
    ["power", [0.3591708, 0.4237291, 0.2171001], 5],
    ["shin", [0.3593461, 0.4232517, 0.2174022], 4],
    ["odds-ratio", [0.3588103, 0.4225611, 0.2186286], 6],
  ] as const)("%s", (method, expected, digits) => {
    expectClose(removeMargin(odds, method), [...expected], digits);
  });
});

describe("worked examples: Shin's method to full precision", () => {
  // Source: the Python `shin` package by Maurice Berk (mberk/shin, README.md "Usage"), which
  // iterates Jullien & Salanié (1994) to a change in z below 1e-12:
  // [2.6, 2.4, 4.3] → [0.37299406033208965, 0.4047794109200184, 0.2222265287474275], z = 0.01694251276407055.
  it("matches the shin package to 9 dp", () => {
    const result = removeMarginDetailed([2.6, 2.4, 4.3], "shin");
    expectClose(result.probabilities, [0.37299406033208965, 0.4047794109200184, 0.2222265287474275], 9);
    expect(result.parameter).toBeCloseTo(0.01694251276407055, 9);
  });

  // Source: the same README, "Two outcomes": [1.5, 2.74] → [0.6508515815085157, 0.3491484184914841],
  // z = 0.03172728540646625 (z analytic for two outcomes, per Štrumbelj 2014).
  it("matches the shin package's two-outcome example to 12 dp", () => {
    const result = removeMarginDetailed([1.5, 2.74], "shin");
    expectClose(result.probabilities, [0.6508515815085157, 0.3491484184914841], 12);
    expect(result.parameter).toBeCloseTo(0.03172728540646625, 12);
  });

  // Clarke, Kovalchik & Ingram (2017), "Adjusting bookmaker's odds to allow for overround", Am. J.
  // Sports Sci. 5(6): Shin and additive are equivalent for two outcomes. Example odds [1.5, 2.74]
  // from mberk/shin tests/test_shin.py, which checks the same equivalence.
  it("equals the additive method for two outcomes (Clarke et al. 2017)", () => {
    const shin = removeMargin([1.5, 2.74], "shin");
    const r = [1 / 1.5, 1 / 2.74];
    const deduction = (r[0]! + r[1]! - 1) / 2;
    expectClose(shin, [r[0]! - deduction, r[1]! - deduction], 12);
    expectClose(removeMargin([1.5, 2.74], "additive"), shin, 12);
  });

  it("equals additive for any two-outcome market (property)", () => {
    fc.assert(
      fc.property(bookPrices(2), (prices) => {
        expectClose(removeMargin(prices, "shin"), removeMargin(prices, "additive"), 10);
      }),
    );
  });
});

describe("worked examples: Clarke, Kovalchik & Ingram (2017) six-runner race", () => {
  // The race with implied probabilities 0.87, 0.2, 0.1, 0.05, 0.02, 0.01 (booksum 1.25) is the
  // paper's example of the additive method failing; the `implied` vignette reproduces it.
  const race = [0.87, 0.2, 0.1, 0.05, 0.02, 0.01].map((r) => 1 / r);

  it("additive throws rather than return a negative probability for the 50/1 shot", () => {
    expect(() => removeMargin(race, "additive")).toThrow(OddsInputError);
    expect(() => removeMargin(race, "additive")).toThrow(/prices\[4\] \(price 50\).*negative/);
  });

  it("power keeps every probability in (0, 1): own computation, k = 1.374838", () => {
    // No published figures for this race; k and the probabilities below are our own solution,
    // checked by the defining identity p_i = r_i^k with Σ p_i = 1.
    const result = removeMarginDetailed(race, "power");
    expect(result.parameter).toBeCloseTo(1.3748382901, 9);
    expectClose(result.probabilities, [0.8257503238, 0.1094030109, 0.0421853552, 0.016266501, 0.0046152049, 0.0017796042], 9);
    race.forEach((price, i) => {
      expect(result.probabilities[i]).toBeCloseTo((1 / price) ** result.parameter, 12);
    });
  });

  it("Shin shifts less margin onto the favourite than power: own computation, z = 0.081503", () => {
    const result = removeMarginDetailed(race, "shin");
    expect(result.parameter).toBeCloseTo(0.0815033212, 9);
    expect(result.probabilities[0]).toBeCloseTo(0.76878636, 9);
    expect(result.probabilities[5]).toBeCloseTo(0.0009709313, 9);
  });
});

describe("removeMarginDetailed parameters", () => {
  it("multiplicative returns the booksum, additive the per-outcome deduction", () => {
    const prices = [2.7, 2.3, 4.4];
    const booksum = 1 / 2.7 + 1 / 2.3 + 1 / 4.4;
    const multiplicative = removeMarginDetailed(prices, "multiplicative");
    expect(multiplicative.parameter).toBeCloseTo(booksum, 15);
    expect(multiplicative.overround).toBeCloseTo(booksum - 1, 15);
    expect(multiplicative.iterations).toBe(0);
    expect(removeMarginDetailed(prices, "additive").parameter).toBeCloseTo((booksum - 1) / 3, 15);
  });

  it("a margin-free book gives back its implied probabilities with neutral parameters", () => {
    const prices = [2, 4, 4];
    for (const method of MARGIN_METHODS) {
      const result = removeMarginDetailed(prices, method);
      expectClose(result.probabilities, [0.5, 0.25, 0.25], 12);
    }
    expect(removeMarginDetailed(prices, "power").parameter).toBeCloseTo(1, 12);
    expect(removeMarginDetailed(prices, "shin").parameter).toBeCloseTo(0, 12);
    expect(removeMarginDetailed(prices, "odds-ratio").parameter).toBeCloseTo(1, 12);
  });

  it("an underround book is stretched up with k < 1, c < 1 and z < 0", () => {
    const prices = [3, 3, 3.5];
    expect(removeMarginDetailed(prices, "power").parameter).toBeLessThan(1);
    expect(removeMarginDetailed(prices, "odds-ratio").parameter).toBeLessThan(1);
    expect(removeMarginDetailed(prices, "shin").parameter).toBeLessThan(0);
    for (const method of MARGIN_METHODS) {
      const p = removeMargin(prices, method);
      expect(p[0]! + p[1]! + p[2]!).toBeCloseTo(1, 12);
      expect(p[0]).toBeGreaterThan(1 / 3);
    }
  });

  it("defaults to the power method", () => {
    expect(DEFAULT_MARGIN_METHOD).toBe("power");
    expect(removeMargin([2.7, 2.3, 4.4])).toEqual(removeMargin([2.7, 2.3, 4.4], "power"));
    expect(removeMarginDetailed([2.7, 2.3, 4.4]).method).toBe("power");
  });
});

/** An independent reference: plain bisection on the model, 300 halvings (no Newton, no tricks). */
function referenceFair(prices: number[], method: "power" | "shin" | "odds-ratio"): number[] {
  const r = prices.map((d) => 1 / d);
  const booksum = r.reduce((a, b) => a + b, 0);
  const model = (x: number) =>
    r.map((ri) =>
      method === "power"
        ? ri ** x
        : method === "odds-ratio"
          ? ri / (x * (1 - ri) + ri)
          : (Math.sqrt(x * x + 4 * (1 - x) * ((ri * ri) / booksum)) - x) / (2 * (1 - x)),
    );
  const excess = (x: number) => model(x).reduce((a, b) => a + b, 0) - 1;
  let [lo, hi] = method === "shin" ? [-1e6, 1 - 1e-15] : [1e-12, 1e12];
  for (let i = 0; i < 300; i++) {
    const mid = (lo + hi) / 2;
    if (excess(mid) > 0) lo = mid;
    else hi = mid;
  }
  return model((lo + hi) / 2);
}

describe("properties (every method)", () => {
  const methods = fc.constantFrom(...MARGIN_METHODS);
  const anyMarket = market((n) => fc.oneof(bookPrices(n), rawPrices(n)), 8);

  it("fair probabilities sum to 1 within 1e-9 and lie in [0, 1]", () => {
    fc.assert(
      fc.property(anyMarket, methods, (prices, method) => {
        const p = tryRemove(prices, method);
        if (p === null) return;
        expect(Math.abs(p.reduce((a, b) => a + b, 0) - 1)).toBeLessThanOrEqual(1e-9);
        for (const value of p) expect(value >= 0 && value <= 1).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("keep the order of the implied probabilities (shorter price ⇒ larger probability)", () => {
    fc.assert(
      fc.property(anyMarket, methods, (prices, method) => {
        const p = tryRemove(prices, method);
        if (p === null) return;
        for (let i = 0; i < prices.length; i++) {
          for (let j = 0; j < prices.length; j++) {
            if (prices[i]! < prices[j]!) expect(p[i]!).toBeGreaterThanOrEqual(p[j]! - 1e-15);
            if (prices[i] === prices[j]) expect(p[i]).toBe(p[j]);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it("power, Shin and odds-ratio agree with a 300-step bisection to 1e-10 on every probability", () => {
    fc.assert(
      fc.property(anyMarket, fc.constantFrom("power", "shin", "odds-ratio" as const), (prices, method) => {
        const ours = removeMargin(prices, method);
        const reference = referenceFair(prices, method);
        ours.forEach((p, i) => {
          expect(Math.abs(p - reference[i]!)).toBeLessThanOrEqual(1e-10);
        });
      }),
      { numRuns: 300 },
    );
  });

  it("additive throws exactly when some 1/d − (Σ1/d − 1)/n is negative", () => {
    fc.assert(
      fc.property(market(rawPrices, 8), (prices) => {
        const r = prices.map((d) => 1 / d);
        const deduction = (r.reduce((a, b) => a + b, 0) - 1) / r.length;
        const negative = r.some((x) => x - deduction < 0);
        if (negative) expect(() => removeMargin(prices, "additive")).toThrow(OddsInputError);
        else expect(removeMargin(prices, "additive").every((p) => p >= 0)).toBe(true);
      }),
    );
  });
});

function tryRemove(prices: number[], method: MarginMethod): number[] | null {
  try {
    return removeMargin(prices, method);
  } catch (error) {
    // Only the additive method may refuse a valid market.
    expect(method).toBe("additive");
    expect(error).toBeInstanceOf(OddsInputError);
    return null;
  }
}

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MARGIN_METHODS, OddsInputError, consensus, removeMargin } from "./index";
import { bookPrices, books, market } from "./test-arbitraries";

describe("consensus", () => {
  it("takes the median per outcome and renormalises (own worked example)", () => {
    // Multiplicative fair probabilities: a [0.5, 0.5], b [0.55, 0.45], c [0.4, 0.6].
    // Medians [0.5, 0.5] already sum to 1.
    const result = consensus(
      [
        { book: "a", prices: [2, 2] },
        { book: "b", prices: [1 / 0.55, 1 / 0.45] },
        { book: "c", prices: [2.5, 1 / 0.6] },
      ],
      "multiplicative",
    );
    expect(result[0]).toBeCloseTo(0.5, 12);
    expect(result[1]).toBeCloseTo(0.5, 12);
  });

  it("averages the middle two for an even number of books, then renormalises", () => {
    // Three-way, four books, multiplicative; fair rows (own numbers):
    const rows = [
      [0.5, 0.3, 0.2],
      [0.6, 0.2, 0.2],
      [0.4, 0.3, 0.3],
      [0.45, 0.25, 0.3],
    ];
    // Medians: (0.45+0.5)/2 = 0.475, (0.25+0.3)/2 = 0.275, (0.2+0.3)/2 = 0.25 (sum 1).
    // Use prices with a 5% margin so the removal matters: d = 1/(p·1.05).
    const result = consensus(
      rows.map((row, i) => ({ book: `b${i}`, prices: row.map((p) => 1 / (p * 1.05)) })),
      "multiplicative",
    );
    expect(result[0]).toBeCloseTo(0.475, 12);
    expect(result[1]).toBeCloseTo(0.275, 12);
    expect(result[2]).toBeCloseTo(0.25, 12);
  });

  it("renormalises medians that do not sum to 1", () => {
    // Medians of [0.2, 0.5, 0.3], [0.3, 0.3, 0.4], [0.25, 0.45, 0.3]: 0.25, 0.45, 0.3 → sums to 1;
    // swap in [0.3, 0.5, 0.2] for the last book: medians 0.3, 0.5, 0.3 → sum 1.1 → /1.1.
    const rows = [
      [0.2, 0.5, 0.3],
      [0.3, 0.3, 0.4],
      [0.3, 0.5, 0.2],
    ];
    const result = consensus(
      rows.map((row, i) => ({ book: `b${i}`, prices: row.map((p) => 1 / p) })),
      "multiplicative",
    );
    expect(result[0]).toBeCloseTo(0.3 / 1.1, 12);
    expect(result[1]).toBeCloseTo(0.5 / 1.1, 12);
    expect(result[2]).toBeCloseTo(0.3 / 1.1, 12);
  });

  it("a single book's consensus is its own margin removal", () => {
    fc.assert(
      fc.property(market(bookPrices), fc.constantFrom(...MARGIN_METHODS), (prices, method) => {
        let expected: number[];
        try {
          expected = removeMargin(prices, method);
        } catch {
          return;
        }
        const result = consensus([{ book: "only", prices }], method);
        result.forEach((p, i) => {
          expect(p).toBeCloseTo(expected[i]!, 14);
        });
      }),
    );
  });

  it("property: sums to 1 and ignores the order of the books", () => {
    fc.assert(
      fc.property(
        market((n) => books(n)),
        fc.constantFrom("power", "shin", "odds-ratio", "multiplicative" as const),
        (list, method) => {
          const forward = consensus(list, method);
          const backward = consensus([...list].reverse(), method);
          expect(Math.abs(forward.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
          forward.forEach((p, i) => {
            expect(p).toBeCloseTo(backward[i]!, 14);
          });
        },
      ),
    );
  });

  it("throws OddsInputError for no books, mismatched lengths and bad prices", () => {
    expect(() => consensus([])).toThrow(/books must be a non-empty array/);
    expect(() =>
      consensus([
        { book: "a", prices: [2, 2] },
        { book: "b", prices: [2, 2, 3] },
      ]),
    ).toThrow(/books\[1\]\.prices has 3 prices but the market has 2 outcomes/);
    expect(() => consensus([{ book: "a", prices: [2, Number.NaN] }])).toThrow(/books\[0\]\.prices\[1\].*got NaN/);
    expect(() => consensus([{ book: "a", prices: [2] }])).toThrow(/one-outcome market/);
    expect(() => consensus([{ book: "a", prices: [2, 2] }], "median" as never)).toThrow(/"median"/);
  });

  it("names the book and price when the additive method would go negative", () => {
    const race = [0.87, 0.2, 0.1, 0.05, 0.02, 0.01].map((r) => 1 / r);
    const error = catchError(() =>
      consensus(
        [
          { book: "a", prices: [2, 3, 7, 20, 40, 60] },
          { book: "b", prices: race },
        ],
        "additive",
      ),
    );
    expect(error).toBeInstanceOf(OddsInputError);
    expect(String(error)).toMatch(/books\[1\]\.prices\[4\] \(price 50\)/);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

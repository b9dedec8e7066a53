import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type BookQuote,
  JUMP,
  type OutcomeKey,
  OVERROUND_RANGE,
  PRICE_RANGE,
  chooseLine,
  cleanQuotes,
  dropAbsurdOverround,
  dropJumps,
  dropOtherLines,
  dropOutOfRange,
  emptyDrops,
  isJump,
  median,
  overround,
} from "./quality";

const TWO: OutcomeKey[] = ["home", "away"];
const THREE: OutcomeKey[] = ["home", "draw", "away"];
const at = new Date("2026-11-24T12:00:00Z");

function quote(book: string, prices: number[], keys: OutcomeKey[] = TWO, line: number | null = null): BookQuote {
  return { book, lastUpdate: at, line, prices: Object.fromEntries(keys.map((k, i) => [k, prices[i]])) };
}

/** A book's prices from fair probabilities and a margin (multiplicative), as books build them. */
function priced(probabilities: number[], margin: number): number[] {
  return probabilities.map((p) => 1 / (p * (1 + margin)));
}

/** Fair probabilities of n outcomes, none below 0.05. */
const fairProbabilities = (n: number) =>
  fc.array(fc.double({ min: 1, max: 10, noNaN: true }), { minLength: n, maxLength: n }).map((w) => {
    const total = w.reduce((a, b) => a + b, 0);
    return w.map((x) => x / total);
  });

describe("range", () => {
  it("keeps only books whose every price is in [1.01, 1000], counting each bad price", () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.double({ min: 0.5, max: 2000, noNaN: true }), { minLength: 2, maxLength: 2 }), { maxLength: 8 }), (books) => {
        const drops = emptyDrops();
        const kept = dropOutOfRange(
          books.map((p, i) => quote(`b${i}`, p)),
          TWO,
          drops,
        );
        const inRange = (p: number) => p >= PRICE_RANGE.min && p <= PRICE_RANGE.max;
        expect(kept.every((q) => TWO.every((k) => inRange(q.prices[k] ?? 0)))).toBe(true);
        expect(kept.length).toBe(books.filter((p) => p.every(inRange)).length);
        expect(drops.range).toBe(books.flat().filter((p) => !inRange(p)).length);
      }),
    );
  });

  it("treats the bounds as valid", () => {
    const drops = emptyDrops();
    expect(dropOutOfRange([quote("a", [1.01, 1000]), quote("b", [1.0, 50])], TWO, drops).map((q) => q.book)).toEqual(["a"]);
    expect(drops.range).toBe(1);
  });
});

describe("overround", () => {
  it("keeps every book whose margin is between 0 % and 25 %, for 2 and 3 outcomes", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 3 }).chain((n) => fc.tuple(fairProbabilities(n), fc.double({ min: 0, max: 0.25, noNaN: true }))),
        ([p, margin]) => {
          const keys = p.length === 2 ? TWO : THREE;
          const drops = emptyDrops();
          expect(dropAbsurdOverround([quote("a", priced(p, margin), keys)], keys, drops)).toHaveLength(1);
          expect(drops.overround).toBe(0);
        },
      ),
    );
  });

  it("drops a book that is an arbitrage on its own, or whose margin no book charges, once per market", () => {
    fc.assert(
      fc.property(
        fairProbabilities(2),
        fc.oneof(fc.double({ min: -0.5, max: -0.035, noNaN: true }), fc.double({ min: 0.31, max: 3, noNaN: true })),
        (p, margin) => {
          const drops = emptyDrops();
          expect(dropAbsurdOverround([quote("a", priced(p, margin))], TWO, drops)).toEqual([]);
          expect(drops.overround).toBe(1);
        },
      ),
    );
  });

  it("computes Σ 1/price", () => {
    expect(overround([2, 2])).toBeCloseTo(1);
    expect(overround([1.9, 1.9])).toBeCloseTo(1.0526, 4);
    expect(OVERROUND_RANGE).toEqual({ min: 0.97, max: 1.3 });
  });
});

describe("line choice", () => {
  const spread = (book: string, line: number, prices = [1.9, 1.9]) => quote(book, prices, TWO, line);

  it("takes the line most books quote and drops the others as other_line", () => {
    const quotes = [spread("a", -1.5), spread("b", -1.5), spread("c", -2.5), spread("d", -1.5), spread("e", -0.5)];
    expect(chooseLine(quotes, TWO)).toBe(-1.5);
    const drops = emptyDrops();
    expect(dropOtherLines(quotes, -1.5, drops).map((q) => q.book)).toEqual(["a", "b", "d"]);
    expect(drops.other_line).toBe(2);
  });

  it("on a tie takes the line priced closest to even, then the lower line", () => {
    expect(chooseLine([spread("a", -1.5, [1.6, 2.4]), spread("b", -2.5, [1.95, 1.87])], TWO)).toBe(-2.5);
    expect(chooseLine([spread("a", 2.5, [1.9, 1.9]), spread("b", 1.5, [1.9, 1.9])], TWO)).toBe(1.5);
  });

  it("always picks a line with the most quotes, whatever their order", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(-2.5, -1.5, -0.5, 0.5), fc.double({ min: 1.5, max: 2.6, noNaN: true })), { minLength: 1, maxLength: 12 }),
        (raw) => {
          const quotes = raw.map(([line, price], i) => spread(`b${i}`, line, [price, 1 / (1.05 - 1 / price)]));
          const line = chooseLine(quotes, TWO);
          const count = (l: number | null) => quotes.filter((q) => q.line === l).length;
          expect(Math.max(...quotes.map((q) => count(q.line)))).toBe(count(line));
          expect(chooseLine([...quotes].reverse(), TWO)).toBe(line);
        },
      ),
    );
  });

  it("is null when nothing has a line (h2h)", () => {
    expect(chooseLine([quote("a", [1.9, 1.9])], TWO)).toBeNull();
  });
});

describe("jump", () => {
  it("median of an even count is the mean of the middle two", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it("flags 0.10 absolute, or odds a factor 3 apart for long shots", () => {
    expect(isJump(0.61, 0.5)).toBe(true);
    expect(isJump(0.59, 0.5)).toBe(false);
    expect(isJump(0.015, 0.05)).toBe(true); // 66.0 against 20.0
    expect(isJump(0.025, 0.05)).toBe(false); // 40.0 against 20.0
  });

  it("never drops anything when books agree within a few points", () => {
    fc.assert(
      fc.property(
        fairProbabilities(3),
        fc.array(fc.tuple(fc.double({ min: -0.02, max: 0.02, noNaN: true }), fc.double({ min: 0.02, max: 0.08, noNaN: true })), {
          minLength: 3,
          maxLength: 10,
        }),
        (p, books) => {
          const quotes = books.map(([shift, margin], i) => {
            const q = [p[0]! + shift, p[1]!, p[2]! - shift];
            return quote(`b${i}`, priced(q, margin), THREE);
          });
          const drops = emptyDrops();
          expect(dropJumps(quotes, THREE, drops)).toEqual(quotes);
          expect(drops.jump).toBe(0);
        },
      ),
    );
  });

  it("drops exactly the one book far from the others (≥ 3 books), on the outcomes where it is far", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 9 }), fc.double({ min: 0.2, max: 0.35, noNaN: true }), (good, shift) => {
        const quotes = Array.from({ length: good }, (_, i) => quote(`b${i}`, priced([0.5, 0.5], 0.04)));
        quotes.push(quote("stale", priced([0.5 + shift, 0.5 - shift], 0.04)));
        const drops = emptyDrops();
        const kept = dropJumps(quotes, TWO, drops);
        expect(drops.jump).toBe(2);
        expect(kept.at(-1)?.prices).toEqual({});
        expect(kept.slice(0, -1)).toEqual(quotes.slice(0, -1));
      }),
    );
  });

  it("needs at least three books, and never drops half of them", () => {
    const far = quote("x", priced([0.9, 0.1], 0.04));
    const even = quote("a", priced([0.5, 0.5], 0.04));
    expect(JUMP.minBooks).toBe(3);
    const drops = emptyDrops();
    expect(dropJumps([even, far], TWO, drops)).toEqual([even, far]);
    expect(dropJumps([even, { ...even, book: "b" }, far, { ...far, book: "y" }], TWO, drops)).toHaveLength(4);
    expect(drops.jump).toBe(0);
  });
});

describe("cleanQuotes", () => {
  it("judges each book once: range before overround before other_line, then jumps", () => {
    const drops = emptyDrops();
    const quotes = [
      quote("ok1", [1.9, 1.9], TWO, -1.5),
      quote("ok2", [1.92, 1.88], TWO, -1.5),
      quote("ok3", [1.95, 1.85], TWO, -1.5),
      quote("range", [1.0, 30], TWO, -1.5), // also an absurd overround: counted once, as range
      quote("arb", [2.2, 2.2], TWO, -1.5),
      quote("other", [1.9, 1.9], TWO, -2.5),
      quote("jump", [3.5, 1.3], TWO, -1.5),
    ];
    const { line, quotes: kept } = cleanQuotes("spreads", quotes, TWO, drops);
    expect(line).toBe(-1.5);
    expect(kept.map((q) => [q.book, Object.keys(q.prices).length])).toEqual([
      ["ok1", 2],
      ["ok2", 2],
      ["ok3", 2],
      ["jump", 0],
    ]);
    expect(drops).toEqual({ range: 1, overround: 1, jump: 2, unmatched: 0, other_line: 1 });
  });
});

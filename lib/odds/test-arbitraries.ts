import fc from "fast-check";

/**
 * fast-check generators shared by the odds property tests (imported by *.test.ts only).
 */

/** Any decimal price a feed could plausibly carry, 1.01 … 1000. */
export const anyPrice = fc.double({ min: 1.01, max: 1000, noNaN: true });

/**
 * A bookmaker's prices for an n-outcome market built the way books are: fair probabilities
 * (Dirichlet-like weights, longshots included) inflated by a margin of −3% … +25%, so underround
 * and heavy-margin books both occur. Prices stay > 1.
 */
export function bookPrices(n: number): fc.Arbitrary<number[]> {
  return fc
    .tuple(fc.array(fc.double({ min: 0.005, max: 1, noNaN: true }), { minLength: n, maxLength: n }), fc.double({ min: -0.03, max: 0.25, noNaN: true }))
    .map(([weights, margin]) => {
      const total = weights.reduce((a, b) => a + b, 0);
      return weights.map((w) => Math.max(1.001, 1 / ((w / total) * (1 + margin))));
    });
}

/** An outcome count followed by a generator that depends on it. */
export function market<T>(build: (n: number) => fc.Arbitrary<T>, maxOutcomes = 6): fc.Arbitrary<T> {
  return fc.integer({ min: 2, max: maxOutcomes }).chain(build);
}

/** Raw prices with no structure at all: any booksum from ~0.01 to ~10. */
export function rawPrices(n: number): fc.Arbitrary<number[]> {
  return fc.array(anyPrice, { minLength: n, maxLength: n });
}

/** Stakes per outcome: zeros are common (a new market), amounts up to 1e6. */
export function stakes(n: number): fc.Arbitrary<number[]> {
  return fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e6, noNaN: true })), {
    minLength: n,
    maxLength: n,
  });
}

/** Several books for one n-outcome market. */
export function books(n: number, maxBooks = 8): fc.Arbitrary<{ book: string; prices: number[] }[]> {
  return fc.array(bookPrices(n), { minLength: 1, maxLength: maxBooks }).map((sets) => sets.map((prices, i) => ({ book: `book${i}`, prices })));
}

/** A feed value for one price slot: mostly usable prices, but every kind of junk too. */
export const messyPrice: fc.Arbitrary<number | null> = fc.oneof(
  { weight: 6, arbitrary: anyPrice },
  { weight: 1, arbitrary: fc.constantFrom(null, NaN, Infinity, -Infinity, 0, 1, -2.5, 1 + Number.EPSILON, 1e308) },
  { weight: 1, arbitrary: fc.double() },
);

/**
 * Books for one n-outcome market as the feed delivers them: realistic prices with about one slot in
 * five missing (null), so complete and incomplete books mix — and no books at all occurs too.
 */
export function feedBooks(n: number, maxBooks = 6): fc.Arbitrary<{ book: string; prices: (number | null)[] }[]> {
  const missing = fc.array(
    fc.integer({ min: 0, max: 4 }).map((k) => k === 0),
    { minLength: n, maxLength: n },
  );
  return fc
    .array(fc.tuple(bookPrices(n), missing), { maxLength: maxBooks })
    .map((sets) => sets.map(([prices, gaps], b) => ({ book: `book${b}`, prices: prices.map((p, i) => (gaps[i] ? null : p)) })));
}

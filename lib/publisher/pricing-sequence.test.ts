import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Prisma } from "../generated/prisma/client";
import { DEFAULT_MARGIN_METHOD, LADDER_MIN, MARGIN_METHODS, type MarginMethod, removeMargin } from "../odds";
import { bookPrices } from "../odds/test-arbitraries";
import { type MarketRow, type PricingConfig, freshPrices, toMarketOdds } from "./pricing";

/**
 * No books, no market (docs/odds.md): whatever bets and bookmaker quotes come and go, a market the
 * board shows open never offers more than the best fresh bookmaker price, and its prices keep the
 * house margin (Σ 1/price ≥ 1 + m). A market without a fresh bookmaker consensus is suspended,
 * so the pool alone never sets a price anyone can take.
 */

const BOOKS = ["a", "b", "c", "d"];
const MAX_AGE_MS = 600_000;
/** Float noise allowed against a cap: the ladder's 1e-11 plus a few ulps (as in lib/odds/price-cap.test.ts). */
const EPS = 1e-10;

type Command =
  | { kind: "bet"; outcome: number; stake: number }
  | { kind: "quote"; book: number; prices: (number | null)[]; afterMs: number }
  | { kind: "pull"; book: number }
  | { kind: "drop"; book: number; outcome: number };

/** A book quoting the market (some outcomes maybe not), after some time has passed. */
const quote = (n: number) =>
  fc.record({
    kind: fc.constant("quote" as const),
    book: fc.nat(BOOKS.length - 1),
    prices: fc
      .tuple(bookPrices(n), fc.array(fc.integer({ min: 0, max: 5 }), { minLength: n, maxLength: n }))
      .map(([prices, gaps]) => prices.map((p, i) => (gaps[i] === 0 ? null : p))),
    afterMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 * MAX_AGE_MS })),
  });

const commands = (n: number): fc.Arbitrary<Command[]> =>
  fc.array(
    fc.oneof(
      { weight: 3, arbitrary: quote(n) },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant("bet" as const), outcome: fc.nat(n - 1), stake: fc.integer({ min: 1, max: 100_000 }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant("pull" as const), book: fc.nat(BOOKS.length - 1) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant("drop" as const), book: fc.nat(BOOKS.length - 1), outcome: fc.nat(n - 1) }) },
    ),
    { minLength: 1, maxLength: 40 },
  );

const configs: fc.Arbitrary<PricingConfig> = fc.record({
  margin: fc.constantFrom(0, 0.02, 0.05, 0.1),
  liquidity: fc.constantFrom(0, 100, 5_000, 1e6),
  method: fc.constantFrom<MarginMethod>(...MARGIN_METHODS),
  bookMaxAgeMs: fc.constant(MAX_AGE_MS),
});

/** The market's rows as the publisher reads them, kept by a small model of the tables. */
class MarketModel {
  stakes: number[];
  /** book → outcome → { price, at } */
  quotes = new Map<string, Map<number, { price: number; at: number }>>();
  clock = 0;

  constructor(n: number) {
    this.stakes = Array.from({ length: n }, () => 0);
  }

  apply(command: Command): void {
    const book = "book" in command ? (BOOKS[command.book] ?? "a") : "";
    if (command.kind === "bet") this.stakes[command.outcome] = (this.stakes[command.outcome] ?? 0) + command.stake;
    else if (command.kind === "pull") this.quotes.delete(book);
    else if (command.kind === "drop") this.quotes.get(book)?.delete(command.outcome);
    else {
      this.clock += command.afterMs;
      const held = this.quotes.get(book) ?? new Map<number, { price: number; at: number }>();
      command.prices.forEach((price, i) => {
        if (price !== null) held.set(i, { price, at: this.clock });
      });
      this.quotes.set(book, held);
    }
  }

  row(): MarketRow {
    return {
      key: "h2h",
      line: null,
      status: "OPEN",
      outcomes: this.stakes.map((stake, i) => ({
        id: `o${i}`,
        key: `o${i}`,
        name: `Outcome ${i}`,
        point: null,
        stakeTotal: new Prisma.Decimal(stake),
        prices: [...this.quotes].flatMap(([book, held]) => {
          const quoted = held.get(i);
          return quoted ? [{ id: `${book}-${i}`, bookmaker: book, price: quoted.price, lastUpdate: new Date(quoted.at) }] : [];
        }),
      })),
    };
  }
}

/**
 * How many books a consensus can come from, by the rules pricing applies: the book's prices are
 * fresh (pricing.ts `freshPrices`, the production rule), it quotes every outcome, and the
 * method can remove its margin (the additive one cannot from every book: it would go negative).
 */
function consensusBooks(row: MarketRow, config: PricingConfig): number {
  const fresh = freshPrices(row.outcomes, config.bookMaxAgeMs);
  const books = new Set(row.outcomes.flatMap((o) => o.prices.map((p) => p.bookmaker)));
  return [...books].filter((book) => {
    const prices = row.outcomes.map((o) => o.prices.find((p) => p.bookmaker === book && fresh(p))?.price);
    if (prices.some((price) => price === undefined)) return false;
    try {
      removeMargin(prices as number[], config.method ?? DEFAULT_MARGIN_METHOD);
      return true;
    } catch {
      return false;
    }
  }).length;
}

describe("no books, no market", () => {
  it("no sequence of bets and book arrivals or departures makes an open price exceed the best book or fall under the margin", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 3 }).chain((n) => fc.tuple(fc.constant(n), commands(n), configs)),
        ([n, sequence, config]) => {
          const model = new MarketModel(n);
          for (const command of sequence) {
            model.apply(command);
            const odds = toMarketOdds(model.row(), config);
            const outcomes = Object.values(odds.outcomes);
            expect(outcomes).toHaveLength(n);
            if (odds.status === "suspended") {
              // Only for want of books, whatever the method: no book could form a consensus, and every outcome's fair is null.
              expect(consensusBooks(model.row(), config)).toBe(0);
              for (const outcome of outcomes) expect(outcome.fair).toBeNull();
              continue;
            }
            expect(consensusBooks(model.row(), config)).toBeGreaterThan(0);
            let floored = false;
            for (const outcome of outcomes) {
              expect(outcome.fair).not.toBeNull();
              expect(outcome.best).not.toBeNull();
              const best = outcome.best?.price ?? 0;
              if (outcome.price === LADDER_MIN)
                floored = true; // the documented 1.01 floor: the one price above its formula
              else expect(outcome.price).toBeLessThanOrEqual(best * (1 + EPS));
            }
            const booked = outcomes.reduce((sum, outcome) => sum + 1 / outcome.price, 0);
            if (!floored) expect(booked).toBeGreaterThanOrEqual((1 + config.margin) * (1 - EPS));
          }
        },
      ),
      { numRuns: 400 },
    );
  }, 60_000); // 400 sequences: seconds on a busy 2-core machine, beyond the unit default of 5 s

  it("a market whose books all leave is suspended with no fair price, and opens again when one complete book returns", () => {
    const model = new MarketModel(2);
    model.apply({ kind: "quote", book: 0, prices: [1.9, 1.95], afterMs: 0 });
    model.apply({ kind: "bet", outcome: 0, stake: 200 });
    const config = { margin: 0.05, liquidity: 5_000, method: "multiplicative" as const, bookMaxAgeMs: MAX_AGE_MS };
    expect(toMarketOdds(model.row(), config).status).toBe("open");
    model.apply({ kind: "pull", book: 0 });
    const gone = toMarketOdds(model.row(), config);
    expect(gone.status).toBe("suspended");
    expect(Object.values(gone.outcomes).map((o) => o.fair)).toEqual([null, null]);
    // One book quoting one outcome is no consensus: still suspended.
    model.apply({ kind: "quote", book: 1, prices: [1.9, null], afterMs: 1_000 });
    expect(toMarketOdds(model.row(), config).status).toBe("suspended");
    model.apply({ kind: "quote", book: 1, prices: [1.9, 1.95], afterMs: 1_000 });
    expect(toMarketOdds(model.row(), config).status).toBe("open");
  });

  it("a market suspended in its row stays suspended, books or not", () => {
    const model = new MarketModel(2);
    model.apply({ kind: "quote", book: 0, prices: [1.9, 1.95], afterMs: 0 });
    expect(toMarketOdds({ ...model.row(), status: "SUSPENDED" }, { margin: 0.05, liquidity: 5_000 }).status).toBe("suspended");
  });
});

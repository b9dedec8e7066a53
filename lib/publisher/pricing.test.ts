import fc from "fast-check";
import { Prisma } from "../generated/prisma/client";
import { describe, expect, it } from "vitest";
import { books as booksArb, market as marketArb, stakes as stakesArb } from "../odds/test-arbitraries";
import { boardSport, impliedOf } from "../protocol";
import { diffEvent } from "./diff";
import { type EventRow, type MarketRow, isOnBoard, toEventOdds, toMarketOdds } from "./pricing";

const CONFIG = { margin: 0.05, liquidity: 5_000, method: "multiplicative" as const };

function row(extra: Partial<EventRow> = {}): EventRow {
  const outcome = (key: string, name: string, price: number) => ({
    id: `o-${key}`,
    key,
    name,
    point: null,
    stakeTotal: new Prisma.Decimal(0),
    prices: ["a", "b"].map((bookmaker) => ({ id: `p-${key}-${bookmaker}`, bookmaker, price, lastUpdate: new Date(0) })),
  });
  const prices = (home: number, draw: number, away: number) => [outcome("away", "Away", away), outcome("home", "Home", home), outcome("draw", "Draw", draw)];
  return {
    id: "e1",
    sport: "soccer_epl",
    isEsports: false,
    league: "Premier League",
    homeTeam: "A",
    awayTeam: "B",
    title: "A vs B",
    startsAt: new Date("2026-11-23T15:00:00Z"),
    status: "ACTIVE",
    phase: "PREMATCH",
    homeScore: null,
    awayScore: null,
    sportRef: { active: true },
    markets: [{ key: "h2h", line: null, status: "OPEN", outcomes: prices(2.0, 3.6, 4.0) }],
    ...extra,
  };
}

describe("board membership", () => {
  it("shows ACTIVE and SUSPENDED events with a sport or flagged esports, of an active sport", () => {
    expect(isOnBoard(row())).toBe(true);
    expect(isOnBoard(row({ status: "SUSPENDED" }))).toBe(true);
    expect(isOnBoard(row({ status: "ENDED" }))).toBe(false);
    expect(isOnBoard(row({ status: "CANCELLED" }))).toBe(false);
    expect(isOnBoard(row({ sport: null }))).toBe(false);
    expect(isOnBoard(row({ sport: null, isEsports: true, sportRef: null }))).toBe(true);
    expect(isOnBoard(row({ sportRef: { active: false } }))).toBe(false);
    expect(boardSport({ sport: null, isEsports: true })).toBe("esports");
  });
});

describe("toEventOdds", () => {
  it("orders outcomes home, draw, away and prices from the consensus with the house margin", () => {
    const odds = toEventOdds(row(), CONFIG);
    const h2h = odds.markets.h2h;
    expect(Object.keys(h2h?.outcomes ?? {})).toEqual(["home", "draw", "away"]);
    // Books: 1/2 + 1/3.6 + 1/4 = 1.0278 overround; multiplicative fair home = 0.5 / 1.0278 = 0.4865.
    expect(h2h?.outcomes.home?.fair).toBeCloseTo(0.4865, 4);
    // Offered: 1 / (0.4865 · 1.05) = 1.9576, rounded down to the ladder: 1.95.
    expect(h2h?.outcomes.home?.price).toBe(1.95);
    expect(h2h?.outcomes.home?.best).toEqual({ book: "a", price: 2 });
    expect(h2h?.outcomes.home?.pool).toBe(0);
    expect(h2h?.arb).toBe(false);
  });

  it("maps statuses, phase and score, and skips markets with fewer than two outcomes", () => {
    const base = row();
    const odds = toEventOdds(
      row({
        status: "SUSPENDED",
        phase: "LIVE",
        homeScore: 2,
        awayScore: 1,
        markets: [...base.markets, { key: "totals", line: 2.5, status: "SUSPENDED", outcomes: [] }],
      }),
      CONFIG,
    );
    expect(odds).toMatchObject({ status: "suspended", phase: "live", score: { home: 2, away: 1 }, startsAt: "2026-11-23T15:00:00.000Z" });
    expect(Object.keys(odds.markets)).toEqual(["h2h"]);
  });

  it("blends in the pool as stakes arrive and rounds probabilities to 4 places", () => {
    const outcomes = (row().markets[0]?.outcomes ?? []).map((o) => (o.key === "home" ? { ...o, stakeTotal: new Prisma.Decimal(5_000) } : o));
    const staked = row({ markets: [{ key: "h2h", line: null, status: "OPEN", outcomes }] });
    const odds = toEventOdds(staked, CONFIG).markets.h2h?.outcomes.home;
    expect(odds?.pool).toBe(1);
    // w = 5000 / (5000 + 5000) = 0.5; p = 0.5 · 0.4865 + 0.5 · 1 = 0.7432 → 1 / (0.7432 · 1.05) = 1.281 → 1.28.
    expect(odds?.price).toBe(1.28);
    expect(String(odds?.fair).split(".")[1]?.length ?? 0).toBeLessThanOrEqual(4);
  });

  it("never puts -0 on the wire: the state survives a JSON round trip unchanged", () => {
    // Books at 1.09 / 12.11 (a margin of about 0.003 %): best · fair − 1 is a hair below 0 for both.
    const outcome = (key: string, name: string, price: number) => ({
      id: `o-${key}`,
      key,
      name,
      point: null,
      stakeTotal: new Prisma.Decimal(0),
      prices: ["a", "b"].map((bookmaker) => ({ id: `p-${key}-${bookmaker}`, bookmaker, price, lastUpdate: new Date(0) })),
    });
    const market = { key: "h2h", line: null, status: "OPEN" as const, outcomes: [outcome("home", "Home", 1.09), outcome("away", "Away", 12.11)] };
    const odds = toEventOdds(row({ markets: [market] }), CONFIG);
    expect(Object.is(odds.markets.h2h?.outcomes.away?.edge, 0)).toBe(true);
    expect(JSON.parse(JSON.stringify(odds))).toEqual(odds);
  });
});

describe("stale bookmaker prices", () => {
  const quote = (bookmaker: string, price: number, at: number) => ({ id: `p-${bookmaker}-${price}`, bookmaker, price, lastUpdate: new Date(at) });
  const market = (books: [string, number, number, number][]) => ({
    key: "h2h",
    line: null,
    status: "OPEN" as const,
    outcomes: [
      {
        id: "o-home",
        key: "home",
        name: "Home",
        point: null,
        stakeTotal: new Prisma.Decimal(0),
        prices: books.map(([book, home, , at]) => quote(book, home, at)),
      },
      {
        id: "o-away",
        key: "away",
        name: "Away",
        point: null,
        stakeTotal: new Prisma.Decimal(0),
        prices: books.map(([book, , away, at]) => quote(book, away, at)),
      },
    ],
  });
  const tenMinutes = 600_000;

  it("a book far behind the market's freshest price leaves the consensus and the best price", () => {
    // "old" stopped updating an hour ago at a price far off the market: it must not be the best.
    const books: [string, number, number, number][] = [
      ["a", 1.9, 1.95, 3_600_000],
      ["b", 1.92, 1.93, 3_590_000],
      ["old", 2.6, 1.5, 0],
    ];
    const withAge = toMarketOdds(market(books), { ...CONFIG, bookMaxAgeMs: tenMinutes });
    const without = toMarketOdds(market(books), CONFIG);
    expect(withAge.outcomes.home?.best?.book).toBe("b");
    expect(without.outcomes.home?.best?.book).toBe("old");
    expect(withAge.outcomes.home?.fair).not.toBe(without.outcomes.home?.fair);
  });

  it("a book's unmoved price is as fresh as the book's newest: sources write only the prices that moved", () => {
    // "a" moved only its home price an hour after everything else; its away price was quoted again with it.
    const hour = 3_600_000;
    const moved = market([
      ["a", 1.9, 1.95, 0],
      ["b", 1.92, 1.93, 0],
    ]);
    const home = moved.outcomes[0]?.prices[0];
    if (home) home.lastUpdate = new Date(hour);
    const odds = toMarketOdds(moved, { ...CONFIG, bookMaxAgeMs: tenMinutes });
    expect(odds.status).toBe("open");
    // "b" has not updated within ten minutes of "a": only "a" makes the consensus and the best prices.
    expect(odds.outcomes.home?.best?.book).toBe("a");
    expect(odds.outcomes.away?.best?.book).toBe("a");
  });

  it("when every book is equally old (the source went quiet), the last good prices all stay", () => {
    const books: [string, number, number, number][] = [
      ["a", 1.9, 1.95, 0],
      ["b", 1.92, 1.93, 1_000],
    ];
    expect(toMarketOdds(market(books), { ...CONFIG, bookMaxAgeMs: tenMinutes })).toEqual(toMarketOdds(market(books), CONFIG));
  });
});

describe("implied and fair prices", () => {
  /** A market row from generated books and stakes: outcome i is "o<i>", book b's price for it books[b].prices[i]. */
  const marketRow = (books: { book: string; prices: number[] }[], stakes: number[]): MarketRow => ({
    key: "h2h",
    line: null,
    status: "OPEN",
    outcomes: stakes.map((stake, i) => ({
      id: `o${i}`,
      key: `o${i}`,
      name: `Outcome ${i}`,
      point: null,
      stakeTotal: new Prisma.Decimal(stake.toFixed(2)),
      prices: books.map(({ book, prices }) => ({ id: `${book}-${i}`, bookmaker: book, price: prices[i] ?? 2, lastUpdate: new Date(0) })),
    })),
  });
  const pricedMarket = marketArb((n) => fc.record({ books: fc.option(booksArb(n, 4), { nil: [] }), stakes: stakesArb(n) }), 4);

  it("implied ≈ 1 / price and fairPrice · fair ≈ 1 on every outcome; fairPrice is null exactly when fair is", () => {
    fc.assert(
      fc.property(pricedMarket, ({ books, stakes }) => {
        for (const o of Object.values(toMarketOdds(marketRow(books, stakes), CONFIG).outcomes)) {
          expect(o.implied).toBe(impliedOf(o.price));
          expect(Math.abs(o.implied - 1 / o.price)).toBeLessThanOrEqual(0.00005 + 1e-12);
          expect(o.fairPrice === null).toBe(o.fair === null || o.fair === 0);
          if (o.fair !== null && o.fairPrice !== null) expect(Math.abs(o.fairPrice * o.fair - 1)).toBeLessThanOrEqual(0.0005 * o.fair + 1e-9);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("a recomputation from unchanged rows emits no change, and implied or fairPrice never moves without price or fair", () => {
    const moved = (changes: { path: string }[], field: string) =>
      changes.filter((c) => c.path.endsWith(`.${field}`)).map((c) => c.path.slice(0, -field.length - 1));
    fc.assert(
      fc.property(pricedMarket, fc.nat(), fc.double({ min: 0.8, max: 1.25, noNaN: true }), ({ books, stakes }, which, factor) => {
        const build = () => row({ markets: [marketRow(books, stakes)] }); // fresh rows each time
        const a = toEventOdds(build(), CONFIG);
        expect(diffEvent("e1", a, toEventOdds(build(), CONFIG))).toEqual([]);
        // One bookmaker price moves by up to ±25 %.
        const after = build();
        const prices = after.markets[0]?.outcomes.flatMap((o) => o.prices) ?? [];
        const target = prices[which % Math.max(1, prices.length)];
        if (target) target.price = Math.max(1.01, target.price * factor);
        const changes = diffEvent("e1", a, toEventOdds(after, CONFIG));
        for (const outcome of moved(changes, "implied")) expect(moved(changes, "price")).toContain(outcome);
        for (const outcome of moved(changes, "fairPrice")) expect(moved(changes, "fair")).toContain(outcome);
      }),
      { numRuns: 300 },
    );
  });

  it("a moved price carries its implied probability in the same delta", () => {
    const before = row();
    const after = row({
      markets: [
        {
          key: "h2h",
          line: null,
          status: "OPEN",
          outcomes: (before.markets[0]?.outcomes ?? []).map((o) => (o.key === "home" ? { ...o, prices: o.prices.map((p) => ({ ...p, price: 2.4 })) } : o)),
        },
      ],
    });
    const a = toEventOdds(before, CONFIG);
    const b = toEventOdds(after, CONFIG);
    const changes = diffEvent("e1", a, b);
    const home = b.markets.h2h?.outcomes.home;
    expect(home?.price).not.toBe(a.markets.h2h?.outcomes.home?.price);
    expect(changes).toContainEqual({ eventId: "e1", path: "markets.h2h.outcomes.home.price", value: home?.price });
    expect(changes).toContainEqual({ eventId: "e1", path: "markets.h2h.outcomes.home.implied", value: home?.implied });
    expect(changes).toContainEqual({ eventId: "e1", path: "markets.h2h.outcomes.home.fairPrice", value: home?.fairPrice });
  });
});

import { Prisma } from "../generated/prisma/client";
import { describe, expect, it } from "vitest";
import { boardSport } from "../protocol";
import { type EventRow, isOnBoard, toEventOdds, toMarketOdds } from "./pricing";

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
    id: "e1", sport: "soccer_epl", isEsports: false, league: "Premier League", homeTeam: "A", awayTeam: "B", title: "A vs B",
    startsAt: new Date("2026-11-23T15:00:00Z"), status: "ACTIVE", phase: "PREMATCH", homeScore: null, awayScore: null,
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
      id: `o-${key}`, key, name, point: null, stakeTotal: new Prisma.Decimal(0),
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
      { id: "o-home", key: "home", name: "Home", point: null, stakeTotal: new Prisma.Decimal(0), prices: books.map(([book, home, , at]) => quote(book, home, at)) },
      { id: "o-away", key: "away", name: "Away", point: null, stakeTotal: new Prisma.Decimal(0), prices: books.map(([book, , away, at]) => quote(book, away, at)) },
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

  it("when every book is equally old (the source went quiet), the last good prices all stay", () => {
    const books: [string, number, number, number][] = [
      ["a", 1.9, 1.95, 0],
      ["b", 1.92, 1.93, 1_000],
    ];
    expect(toMarketOdds(market(books), { ...CONFIG, bookMaxAgeMs: tenMinutes })).toEqual(toMarketOdds(market(books), CONFIG));
  });
});

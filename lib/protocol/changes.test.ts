import { describe, expect, it } from "vitest";
import { Change, applyChanges } from "./changes";
import type { EventOdds } from "./odds";
import { eventOdds, market, outcome } from "./test-events";

describe("applyChanges", () => {
  it("sets a leaf and copies only the objects on its path", () => {
    const event = eventOdds("e1", {
      markets: { h2h: market("h2h", { home: outcome(2), away: outcome(2) }), totals: market("totals", { over: outcome(1.9), under: outcome(1.9) }) },
    });
    const events = new Map([["e1", event]]);
    const touched = applyChanges(events, [{ eventId: "e1", path: "markets.h2h.outcomes.home.price", value: 2.2 }]);
    const next = events.get("e1") as EventOdds;
    expect(touched).toEqual(new Set(["e1"]));
    expect(next.markets.h2h?.outcomes.home?.price).toBe(2.2);
    expect(event.markets.h2h?.outcomes.home?.price).toBe(2); // the old object is untouched
    expect(next).not.toBe(event);
    expect(next.markets.h2h).not.toBe(event.markets.h2h);
    expect(next.markets.h2h?.outcomes.away).toBe(event.markets.h2h?.outcomes.away); // shared
    expect(next.markets.totals).toBe(event.markets.totals); // shared
  });

  it("adds and removes events, markets and outcomes; null elsewhere is a value", () => {
    const events = new Map<string, EventOdds>();
    applyChanges(events, [{ eventId: "e1", path: "", value: eventOdds("e1") }]);
    applyChanges(events, [
      { eventId: "e1", path: "markets.totals", value: market("totals", { over: outcome(1.8), under: outcome(2) }) },
      { eventId: "e1", path: "markets.h2h.outcomes.draw", value: null },
      { eventId: "e1", path: "markets.h2h.outcomes.home.fair", value: null },
      { eventId: "e1", path: "markets.h2h.outcomes.home.best", value: null },
    ]);
    const event = events.get("e1");
    expect(Object.keys(event?.markets ?? {})).toEqual(["h2h", "totals"]);
    expect(Object.keys(event?.markets.h2h?.outcomes ?? {})).toEqual(["home", "away"]);
    expect(event?.markets.h2h?.outcomes.home).toMatchObject({ fair: null, best: null });
    applyChanges(events, [{ eventId: "e1", path: "", value: null }]);
    expect(events.size).toBe(0);
  });

  it("ignores fields of events, markets or outcomes it does not hold (their add carries them whole)", () => {
    const events = new Map([["e1", eventOdds("e1")]]);
    applyChanges(events, [
      { eventId: "e2", path: "status", value: "suspended" },
      { eventId: "e1", path: "markets.spreads.line", value: 1.5 },
      { eventId: "e1", path: "markets.h2h.outcomes.over.price", value: 1.5 },
    ]);
    expect(events.has("e2")).toBe(false);
    expect(events.get("e1")?.markets.spreads).toBeUndefined();
    expect(events.get("e1")?.markets.h2h?.outcomes.over).toBeUndefined();
  });
});

describe("Change", () => {
  const valid = (path: string, value: unknown) => Change.safeParse({ eventId: "e1", path, value }).success;

  it("accepts values that fit their path", () => {
    expect(valid("", eventOdds("e1"))).toBe(true);
    expect(valid("", null)).toBe(true);
    expect(valid("status", "suspended")).toBe(true);
    expect(valid("score", { home: 1, away: 0 })).toBe(true);
    expect(valid("score.home", 2)).toBe(true);
    expect(valid("markets.h2h", market("h2h", { home: outcome(2), away: outcome(2) }))).toBe(true);
    expect(valid("markets.h2h.arb", true)).toBe(true);
    expect(valid("markets.h2h.outcomes.home.price", 2.5)).toBe(true);
    expect(valid("markets.h2h.outcomes.home.best", { book: "bet365", price: 2.6 })).toBe(true);
    expect(valid("markets.h2h.outcomes.home.best.price", 2.6)).toBe(true);
    expect(valid("markets.h2h.outcomes.home.fair", null)).toBe(true);
  });

  it("rejects unknown paths and values of the wrong shape", () => {
    expect(valid("nonsense", 1)).toBe(false);
    expect(valid("markets", {})).toBe(false);
    expect(valid("markets.h2h.outcomes", {})).toBe(false);
    expect(valid("markets.h2h.outcomes.home.price.extra", 1)).toBe(false);
    expect(valid("status", "exploded")).toBe(false);
    expect(valid("markets.h2h.outcomes.home.price", "2.5")).toBe(false);
    expect(valid("markets.h2h.outcomes.home.price", 0.5)).toBe(false);
    expect(valid("markets.h2h.outcomes.home.fair", 1.5)).toBe(false);
    expect(valid("score.home", -1)).toBe(false);
    expect(valid("", { id: "e1" })).toBe(false);
    expect(Change.safeParse({ eventId: "has space", path: "status", value: "active" }).success).toBe(false);
  });

  it("validates implied and fairPrice like every other outcome field, and requires them in a whole outcome", () => {
    expect(valid("markets.h2h.outcomes.home.implied", 0.4762)).toBe(true);
    expect(valid("markets.h2h.outcomes.home.fairPrice", 2.055)).toBe(true);
    expect(valid("markets.h2h.outcomes.home.fairPrice", null)).toBe(true);
    expect(valid("markets.h2h.outcomes.home.implied", 1.5)).toBe(false); // a probability
    expect(valid("markets.h2h.outcomes.home.implied", null)).toBe(false); // every price implies one
    expect(valid("markets.h2h.outcomes.home.fairPrice", 0.5)).toBe(false); // a decimal price is ≥ 1
    const { implied, fairPrice, ...partial } = outcome(2);
    expect(valid("markets.h2h.outcomes.home", partial)).toBe(false);
    expect(valid("markets.h2h.outcomes.home", { ...partial, implied, fairPrice })).toBe(true);
  });
});

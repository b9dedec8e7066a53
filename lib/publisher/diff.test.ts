import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Change, type EventOdds, applyChanges } from "../protocol";
import { eventOdds, market, outcome } from "../protocol/test-events";
import { diffEvent } from "./diff";

const price = fc.double({ min: 1.01, max: 1000, noNaN: true });
const prob = fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null });
const outcomeArb = fc.record({
  name: fc.constantFrom("Home", "Away", "Draw"),
  point: fc.option(fc.constantFrom(-1.5, 1.5, 2.5), { nil: null }),
  price,
  fair: prob,
  implied: fc.double({ min: 0, max: 1, noNaN: true }),
  fairPrice: fc.option(fc.double({ min: 1, max: 10_000, noNaN: true }), { nil: null }),
  pool: fc.double({ min: 0, max: 1, noNaN: true }),
  best: fc.option(fc.record({ book: fc.constantFrom("pinnacle", "bet365"), price }), { nil: null }),
  edge: fc.option(fc.double({ min: -1, max: 1, noNaN: true }), { nil: null }),
});
const marketArb = (key: string) =>
  fc.record({
    key: fc.constant(key),
    line: fc.option(fc.constantFrom(-3.5, 2.5), { nil: null }),
    status: fc.constantFrom("open" as const, "suspended" as const),
    arb: fc.boolean(),
    outcomes: fc.dictionary(fc.constantFrom("home", "draw", "away", "over", "under"), outcomeArb, { minKeys: 0, maxKeys: 3 }),
  });
const eventArb: fc.Arbitrary<EventOdds> = fc.record({
  id: fc.constant("e1"),
  sport: fc.constantFrom("soccer_epl", "basketball_nba"),
  league: fc.constantFrom("A", "B"),
  home: fc.constant("H"),
  away: fc.constant("A"),
  title: fc.constant("H vs A"),
  startsAt: fc.constantFrom("2026-11-23T15:00:00.000Z", "2026-11-24T15:00:00.000Z"),
  status: fc.constantFrom("active" as const, "suspended" as const),
  phase: fc.constantFrom("prematch" as const, "live" as const),
  score: fc.option(fc.record({ home: fc.nat(9), away: fc.nat(9) }), { nil: null }),
  markets: fc.record({ h2h: marketArb("h2h"), totals: marketArb("totals") }, { requiredKeys: [] }),
});

describe("diffEvent", () => {
  it("is the exact inverse of applyChanges, and every change it emits is valid on the wire", () => {
    fc.assert(
      fc.property(fc.option(eventArb, { nil: undefined }), fc.option(eventArb, { nil: undefined }), (prev, next) => {
        const changes = diffEvent("e1", prev, next);
        for (const change of changes) expect(Change.safeParse(change).success).toBe(true);
        const events = new Map<string, EventOdds>(prev ? [["e1", prev]] : []);
        applyChanges(events, changes);
        expect(events.get("e1")).toEqual(next);
      }),
      { numRuns: 500 },
    );
  });

  it("emits nothing for equal events and one leaf for one moved price", () => {
    const a = eventOdds("e1");
    expect(diffEvent("e1", a, structuredClone(a))).toEqual([]);
    const b = structuredClone(a);
    (b.markets.h2h?.outcomes.home as { price: number }).price = 2.3;
    expect(diffEvent("e1", a, b)).toEqual([{ eventId: "e1", path: "markets.h2h.outcomes.home.price", value: 2.3 }]);
  });

  it("sends added markets whole and removed ones as null", () => {
    const a = eventOdds("e1");
    const totals = market("totals", { over: outcome(1.9), under: outcome(1.9) });
    const b = { ...a, markets: { totals } };
    expect(diffEvent("e1", a, b)).toEqual([
      { eventId: "e1", path: "markets.h2h", value: null },
      { eventId: "e1", path: "markets.totals", value: totals },
    ]);
  });
});

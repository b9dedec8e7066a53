import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Change, type EventBooks, type EventOdds, applyChanges } from "../lib/protocol";
import { eventOdds, market, outcome } from "../lib/protocol/test-events";
import { boardArb, changeArb, marketFilterArb } from "../tests/support/odds-arbitraries";
import { NO_FILTER, eventRoom, filterBooks, filterChanges, filterDelta, filterEvent, makeFilter, parseFilteredRoom, sameFilter, sportRoom } from "./filters";

const toMap = (events: EventOdds[]) => new Map(events.map((event) => [event.id, event]));
const filtered = (board: Map<string, EventOdds>, markets: Set<string>) => new Map([...board].map(([id, event]) => [id, filterEvent(event, markets)]));

describe("filter rooms", () => {
  it("names one room per distinct filter, whatever the order keys were given in", () => {
    expect(sportRoom("soccer_epl", NO_FILTER)).toBe("sport:soccer_epl");
    expect(sportRoom("soccer_epl", makeFilter(["totals", "h2h"]))).toBe("sport:soccer_epl|m=h2h,totals");
    expect(sportRoom("soccer_epl", makeFilter(["h2h", "totals", "h2h"]))).toBe("sport:soccer_epl|m=h2h,totals");
    expect(sportRoom("soccer_epl", makeFilter(["h2h"], ["pinnacle"]))).toBe("sport:soccer_epl|m=h2h"); // books play no part in odds
    expect(sportRoom("soccer_epl", makeFilter(undefined, ["pinnacle"]))).toBe("sport:soccer_epl");
    expect(eventRoom("ev:1", makeFilter(["h2h"], ["pinnacle", "bet365"]))).toBe("event:ev:1|m=h2h|b=bet365,pinnacle");
    expect(eventRoom("ev:1", makeFilter(undefined, ["pinnacle"]))).toBe("event:ev:1|b=pinnacle");
    expect(sameFilter(makeFilter(["a", "b"]), makeFilter(["b", "a"]))).toBe(true);
    expect(sameFilter(makeFilter(["a"]), NO_FILTER)).toBe(false);
  });

  it("reads filtered room names back, and nothing else", () => {
    expect(parseFilteredRoom("event:ev:1|m=h2h|b=bet365,pinnacle")).toEqual({
      kind: "event",
      key: "ev:1",
      filter: { markets: new Set(["h2h"]), books: new Set(["bet365", "pinnacle"]) },
    });
    expect(parseFilteredRoom("sport:soccer_epl|m=h2h,totals")).toEqual({
      kind: "sport",
      key: "soccer_epl",
      filter: { markets: new Set(["h2h", "totals"]), books: null },
    });
    for (const room of ["sport:soccer_epl", "event:ev:1", "chat:ev:1", "user:u1", "admins", "slow", "Ab12xyz", "user:a|m=h2h", "sport:x|q=1"])
      expect(parseFilteredRoom(room)).toBeNull();
  });
});

describe("filterChanges", () => {
  const markets = new Set(["h2h"]);

  it("keeps event-level fields and the filter's markets, cuts whole events, drops other markets", () => {
    const whole = eventOdds("e1", { markets: { h2h: market("h2h", { home: outcome(2) }), totals: market("totals", { over: outcome(1.9) }) } });
    const changes: Change[] = [
      { eventId: "e1", path: "", value: whole },
      { eventId: "e2", path: "", value: null },
      { eventId: "e1", path: "status", value: "suspended" },
      { eventId: "e1", path: "score.home", value: 1 },
      { eventId: "e1", path: "markets.h2h.outcomes.home.price", value: 2.2 },
      { eventId: "e1", path: "markets.totals.outcomes.over.price", value: 1.8 },
      { eventId: "e1", path: "markets.totals", value: null },
      { eventId: "e1", path: "markets.h2hx.status", value: "open" }, // a key that only starts like a filtered one
    ];
    expect(filterChanges(changes, markets)).toEqual([
      { eventId: "e1", path: "", value: { ...whole, markets: { h2h: whole.markets.h2h } } },
      { eventId: "e2", path: "", value: null },
      { eventId: "e1", path: "status", value: "suspended" },
      { eventId: "e1", path: "score.home", value: 1 },
      { eventId: "e1", path: "markets.h2h.outcomes.home.price", value: 2.2 },
    ]);
  });

  it("hands back the same array when the filter cuts nothing, and an empty delta when it cuts everything", () => {
    const changes: Change[] = [{ eventId: "e1", path: "markets.h2h.status", value: "open" }];
    expect(filterChanges(changes, markets)).toBe(changes);
    const delta = { sport: "s", seq: 2, prevSeq: 1, ts: 1, changes: [{ eventId: "e1", path: "markets.totals.status", value: "open" }] };
    expect(filterDelta(delta, makeFilter(["h2h"]))).toEqual({ ...delta, changes: [] });
    expect(filterDelta(delta, NO_FILTER)).toBe(delta);
  });

  it("property: applying filtered changes to the filtered board gives the filtered board after all changes", () => {
    fc.assert(
      fc.property(boardArb, fc.array(changeArb, { maxLength: 30 }), marketFilterArb, (board, changes, keys) => {
        const markets = new Set(keys);
        const full = toMap(board);
        applyChanges(full, changes);
        const cut = filtered(toMap(board), markets);
        applyChanges(cut, filterChanges(changes, markets));
        expect(cut).toEqual(filtered(full, markets));
      }),
      { numRuns: 300 },
    );
  });
});

describe("filterBooks", () => {
  const books: EventBooks = {
    eventId: "e1",
    sport: "soccer_epl",
    ts: 1,
    markets: {
      h2h: {
        home: [
          { book: "bet365", price: 2, updatedAt: 1 },
          { book: "pinnacle", price: 2.1, updatedAt: 1 },
        ],
      },
      totals: { over: [{ book: "pinnacle", price: 1.9, updatedAt: 1 }] },
    },
  };

  it("keeps the filter's markets and, in them, the filter's bookmakers", () => {
    expect(filterBooks(books, NO_FILTER)).toBe(books);
    expect(filterBooks(books, makeFilter(["h2h"]))).toEqual({ ...books, markets: { h2h: books.markets.h2h } });
    expect(filterBooks(books, makeFilter(undefined, ["pinnacle"]))).toEqual({
      ...books,
      markets: { h2h: { home: [{ book: "pinnacle", price: 2.1, updatedAt: 1 }] }, totals: books.markets.totals },
    });
    // A market with none of the filter's books stays listed, empty: it replaces the page's books of it.
    expect(filterBooks(books, makeFilter(["totals"], ["bet365"]))).toEqual({ ...books, markets: { totals: { over: [] } } });
  });

  it("gives null when none of the filter's markets moved: nothing to send", () => {
    expect(filterBooks(books, makeFilter(["spreads"]))).toBeNull();
  });
});

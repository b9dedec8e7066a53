import { describe, expect, it } from "vitest";
import { type EventOdds, KEYS } from "../protocol";
import { eventOdds, market, outcome } from "../protocol/test-events";
import { liveQuote } from "./live-quote";

/** A board of one event, read the way Redis would serve it. */
const board = (event: EventOdds) => ({
  hget: async (key: string, field: string) => (key === KEYS.sportState(event.sport) && field === event.id ? JSON.stringify(event) : null),
});
const ID = "3f1c0e2a-8b7d-4c6e-9f10-2a3b4c5d6e7f";
/** The builders' event starts then (ms since epoch); BEFORE is an hour earlier. */
const STARTS = Date.parse(eventOdds(ID).startsAt);
const BEFORE = STARTS - 3_600_000;

describe("liveQuote", () => {
  it("reads the board's price, and whether the event is in play", async () => {
    expect(await liveQuote(board(eventOdds(ID)), "soccer_epl", ID, "h2h", "home", BEFORE)).toMatchObject({
      price: 2.1,
      open: true,
      closedBy: null,
      inPlay: false,
    });
    expect(await liveQuote(board(eventOdds(ID, { phase: "live" })), "soccer_epl", ID, "h2h", "home", BEFORE)).toMatchObject({ open: true, inPlay: true });
    expect(await liveQuote(board(eventOdds(ID)), "soccer_epl", ID, "h2h", "nobody")).toBeNull();
    expect(await liveQuote(board(eventOdds(ID)), "basketball_nba", ID, "h2h", "home")).toBeNull();
  });

  it("an event past its start time is in play, whatever phase the board still shows", async () => {
    const prematch = board(eventOdds(ID));
    expect((await liveQuote(prematch, "soccer_epl", ID, "h2h", "home", STARTS - 1))?.inPlay).toBe(false);
    expect((await liveQuote(prematch, "soccer_epl", ID, "h2h", "home", STARTS))?.inPlay).toBe(true);
    expect((await liveQuote(prematch, "soccer_epl", ID, "h2h", "home", STARTS + 3_600_000))?.inPlay).toBe(true);
  });

  it("says why a market is not open: its event, itself, or no bookmaker consensus", async () => {
    const suspended = market("h2h", { home: outcome(2.1), away: outcome(1.8) }, { status: "suspended" });
    const unpriced = market("h2h", { home: outcome(2.1, { fair: null }), away: outcome(1.8, { fair: null }) }, { status: "suspended" });
    const quote = async (event: EventOdds) => (await liveQuote(board(event), "soccer_epl", ID, "h2h", "home"))?.closedBy;
    expect(await quote(eventOdds(ID, { markets: { h2h: suspended } }))).toBe("market");
    expect(await quote(eventOdds(ID, { markets: { h2h: unpriced } }))).toBe("no_prices");
    expect(await quote(eventOdds(ID, { status: "suspended", markets: { h2h: unpriced } }))).toBe("event");
    // An open market the pool prices alongside books is open, whatever its fair values.
    expect(await quote(eventOdds(ID, { markets: { h2h: { ...unpriced, status: "open" } } }))).toBeNull();
  });
});

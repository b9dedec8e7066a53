import { describe, expect, it } from "vitest";
import { type BoardEvent, applyToBoard } from "./board-state";

const board: BoardEvent[] = [
  { id: "e1", title: "A v B", league: "L", sport: "s", startsAt: "", live: false, status: "open", markets: [{ id: "m1", key: "h2h", line: null, status: "open", byFeed: false }] },
  { id: "e2", title: "C v D", league: "L", sport: "s", startsAt: "", live: true, status: "open", markets: [{ id: "m2", key: "totals", line: 2.5, status: "open", byFeed: false }] },
];

describe("applyToBoard", () => {
  it("follows statuses set by any admin or the liability limit, and drops events that are over", () => {
    const suspended = applyToBoard(board, { kind: "market_status", data: { id: "m2", status: "suspended", by: "x" }, ts: 0 });
    expect(suspended[1]?.markets[0]?.status).toBe("suspended");
    const feedSuspended = board.map((e) => ({ ...e, markets: e.markets.map((m) => ({ ...m, status: "suspended" as const, byFeed: true })) }));
    expect(applyToBoard(feedSuspended, { kind: "market_status", data: { id: "m1", status: "suspended", by: "x" }, ts: 0 })[0]?.markets[0]).toMatchObject({ status: "suspended", byFeed: false }); // the admin took it over
    expect(suspended[0]).toBe(board[0]); // untouched events stay the same objects
    expect(applyToBoard(board, { kind: "event_status", data: { id: "e1", status: "suspended", by: "x" }, ts: 0 })[0]?.status).toBe("suspended");
    expect(applyToBoard(board, { kind: "liability_limit", data: { marketId: "m1", liability: 1, eventId: "e1", market: "h2h", outcome: "home" }, ts: 0 })[0]?.markets[0]?.status).toBe("suspended");
    expect(applyToBoard(board, { kind: "event_voided", data: { id: "e1", bets: 0, by: "x" }, ts: 0 }).map((e) => e.id)).toEqual(["e2"]);
    expect(applyToBoard(board, { kind: "publisher_stopped", data: { by: "x" }, ts: 0 })).toBe(board);
  });
});

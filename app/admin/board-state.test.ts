import { describe, expect, it } from "vitest";
import type { AdminEvent } from "@/lib/protocol/admin";
import type { BoardEvent, BoardMarket } from "@/lib/protocol/admin-board";
import { applyAnswer, applyToBoard, auditIdOf, reloadBoard } from "./board-state";

const market = (id: string, fields: Partial<BoardMarket> = {}): BoardMarket => ({
  id,
  key: "h2h",
  line: null,
  status: "open",
  byFeed: false,
  auditId: null,
  ...fields,
});
const event = (id: string, markets: BoardMarket[], fields: Partial<BoardEvent> = {}): BoardEvent => ({
  id,
  title: `${id} match`,
  league: "L",
  sport: "s",
  startsAt: "",
  live: false,
  status: "open",
  markets,
  auditId: null,
  ...fields,
});
const board: BoardEvent[] = [event("e1", [market("m1")]), event("e2", [market("m2", { key: "totals", line: 2.5 })], { live: true })];
const marketStatus = (id: string, status: "open" | "suspended", auditId?: string): AdminEvent => ({
  kind: "market_status",
  data: { id, status, by: "x" },
  ts: 0,
  ...(auditId ? { auditId } : {}),
});

describe("applyToBoard", () => {
  it("follows statuses set by any admin, newest entry last, and drops events that are over", () => {
    const suspended = applyToBoard(board, marketStatus("m2", "suspended", "10"));
    expect(suspended[1]?.markets[0]).toMatchObject({ status: "suspended", auditId: "10" });
    expect(suspended[0]).toBe(board[0]); // untouched events stay the same objects
    // An older change heard late (its publish overtaken by a newer one) changes nothing.
    expect(applyToBoard(suspended, marketStatus("m2", "open", "9"))).toBe(suspended);
    expect(applyToBoard(suspended, marketStatus("m2", "open", "11"))[1]?.markets[0]).toMatchObject({ status: "open", auditId: "11" });
    // Ids compare as numbers: 100 is newer than 99.
    expect(applyToBoard(applyToBoard(board, marketStatus("m1", "suspended", "99")), marketStatus("m1", "open", "100"))[0]?.markets[0]?.status).toBe("open");
    expect(applyToBoard(board, { kind: "event_status", data: { id: "e1", status: "suspended", by: "x" }, ts: 0, auditId: "3" })[0]).toMatchObject({
      status: "suspended",
      auditId: "3",
    });
    expect(applyToBoard(board, { kind: "event_voided", data: { id: "e1", bets: 0, by: "x" }, ts: 0 }).map((e) => e.id)).toEqual(["e2"]);
    expect(applyToBoard(board, { kind: "publisher_stopped", data: { by: "x" }, ts: 0 })).toBe(board);
  });

  it("an admin's status takes a feed stop over; the liability limit suspends without an entry", () => {
    const feedStopped = [event("e1", [market("m1", { status: "suspended", byFeed: true })])];
    expect(applyToBoard(feedStopped, marketStatus("m1", "suspended", "4"))[0]?.markets[0]).toMatchObject({ status: "suspended", byFeed: false });
    const limited = applyToBoard(board, {
      kind: "liability_limit",
      data: { marketId: "m1", liability: 1, eventId: "e1", market: "h2h", outcome: "home" },
      ts: 0,
    });
    expect(limited[0]?.markets[0]).toMatchObject({ status: "suspended", byFeed: false, auditId: null });
  });
});

describe("applyAnswer", () => {
  it("a change is ordered by its entry, so an answer older than an admin event heard first does not overwrite it", () => {
    const target = { kind: "market", id: "m1" } as const;
    const heard = applyToBoard(board, marketStatus("m1", "open", "21")); // another admin reopened it after this one's suspend
    expect(applyAnswer(heard, target, { id: "m1", status: "suspended", changed: true, auditId: "20" }, null)).toBe(heard);
    expect(applyAnswer(board, target, { id: "m1", status: "suspended", changed: true, auditId: "20" }, null)[0]?.markets[0]).toMatchObject({
      status: "suspended",
      auditId: "20",
    });
  });

  it("a request that changed nothing corrects the list only if no change was heard since the click", () => {
    const target = { kind: "event", id: "e1" } as const;
    const atClick = auditIdOf(board, target);
    const answer = { id: "e1", status: "suspended", changed: false } as const;
    expect(applyAnswer(board, target, answer, atClick)[0]?.status).toBe("suspended");
    const heard = applyToBoard(board, { kind: "event_status", data: { id: "e1", status: "open", by: "x" }, ts: 0, auditId: "30" });
    expect(applyAnswer(heard, target, answer, atClick)).toBe(heard);
  });
});

describe("reloadBoard", () => {
  it("takes what a read shows (a bet stop and its lifting, events gone or new), keeping unchanged events as they were", () => {
    const read = [event("e2", [market("m2", { key: "totals", line: 2.5, status: "suspended", byFeed: true })], { live: true }), event("e3", [market("m3")])];
    const after = reloadBoard(board, read);
    expect(after.map((e) => e.id)).toEqual(["e2", "e3"]);
    expect(after[0]?.markets[0]).toMatchObject({ status: "suspended", byFeed: true });
    expect(reloadBoard(after, [board[1] as BoardEvent, read[1] as BoardEvent])[0]?.markets[0]).toMatchObject({ status: "open", byFeed: false });
    const same = reloadBoard(
      board,
      board.map((e) => ({ ...e, markets: e.markets.map((m) => ({ ...m })) })),
    );
    expect(same[0]).toBe(board[0]);
  });

  it("keeps a change whose entry is newer than the read (it committed after the read began)", () => {
    const heard = applyToBoard(board, marketStatus("m1", "suspended", "40"));
    const read = [event("e1", [market("m1", { auditId: "39" })]), board[1] as BoardEvent];
    expect(reloadBoard(heard, read)[0]?.markets[0]).toMatchObject({ status: "suspended", auditId: "40" });
    const later = [event("e1", [market("m1", { status: "open", auditId: "41" })]), board[1] as BoardEvent];
    expect(reloadBoard(heard, later)[0]?.markets[0]).toMatchObject({ status: "open", auditId: "41" });
  });
});

import { describe, expect, it } from "vitest";
import { eventOdds } from "../protocol/test-events";
import { Board } from "./board";
import { batchBySport, earliestWrites, originOf } from "./sport-batch";
import type { CapturedChange } from "./change-capture";

const quiet = { warn: () => {} };

describe("batchBySport", () => {
  it("writes changed events to their sport, removes moved ones from the old sport, and skips unchanged ones", () => {
    const board = new Board(quiet);
    board.load("soccer_epl", {
      seq: 1,
      events: new Map([
        ["same", eventOdds("same")],
        ["moves", eventOdds("moves")],
        ["scores", eventOdds("scores")],
      ]),
    });
    const batches = batchBySport(
      board,
      new Map([
        ["same", eventOdds("same")],
        ["moves", eventOdds("moves", { sport: "basketball_nba" })],
        ["scores", eventOdds("scores", { score: { home: 1, away: 0 } })],
      ]),
    );
    expect([...batches.keys()]).toEqual(["soccer_epl", "basketball_nba"]);
    expect(batches.get("soccer_epl")?.writes.map((w) => [w.eventId, w.event === null])).toEqual([
      ["moves", true],
      ["scores", false],
    ]);
    expect(batches.get("soccer_epl")?.updates.map((u) => u.eventId)).toEqual(["scores"]);
    expect(batches.get("basketball_nba")?.writes.map((w) => w.eventId)).toEqual(["moves"]);
    expect(batches.get("basketball_nba")?.updates).toEqual([]);
  });

  it("removes an event that left the board (null) from the sport that held it", () => {
    const board = new Board(quiet);
    board.load("soccer_epl", { seq: 1, events: new Map([["gone", eventOdds("gone")]]) });
    const batches = batchBySport(board, new Map([["gone", null]]));
    expect(batches.get("soccer_epl")?.writes).toEqual([{ eventId: "gone", event: null }]);
  });
});

describe("origins", () => {
  it("takes each event's earliest drained write, and a batch's earliest over its writes", () => {
    const change = (eventId: string, at: number) => ({ eventId, at: new Date(at) }) as CapturedChange;
    const origins = earliestWrites([change("a", 30), change("a", 10), change("b", 20)]);
    expect(origins).toEqual(
      new Map([
        ["a", 10],
        ["b", 20],
      ]),
    );
    const batch = {
      writes: [
        { eventId: "b", event: null },
        { eventId: "c", event: null },
      ],
      changes: [],
      updates: [],
    };
    expect(originOf(batch, origins)).toBe(20);
    expect(originOf({ ...batch, writes: [{ eventId: "c", event: null }] }, origins)).toBeUndefined();
  });
});

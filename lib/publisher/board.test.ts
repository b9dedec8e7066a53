import { describe, expect, it } from "vitest";
import { eventOdds } from "../protocol/test-events";
import { Board } from "./board";

function board() {
  const warnings: string[] = [];
  return { warnings, board: new Board({ warn: (_details, message) => warnings.push(message) }) };
}

describe("Board", () => {
  it("keeps each sport's events and the event → sport index in step through loads and commits", () => {
    const { board: b } = board();
    b.load("soccer_epl", { seq: 4, events: new Map([["e1", eventOdds("e1")]]) });
    expect(b.sportOf("e1")).toBe("soccer_epl");
    expect(b.seq("soccer_epl")).toBe(4);

    // e1 moves to another sport: removed from the first, added to the second.
    const moved = eventOdds("e1", { sport: "basketball_nba" });
    b.apply("soccer_epl", [{ eventId: "e1", event: null }], 5);
    b.apply("basketball_nba", [{ eventId: "e1", event: moved }], 1);
    expect(b.sportOf("e1")).toBe("basketball_nba");
    expect(b.event("e1")).toEqual(moved);
    expect(b.eventIn("soccer_epl", "e1")).toBeUndefined();
    expect(b.summary()).toEqual([
      { sport: "basketball_nba", events: 1, live: 0 },
      { sport: "soccer_epl", events: 0, live: 0 },
    ]);

    // Reloading a sport drops the index entries it held.
    b.load("basketball_nba", { seq: 1, events: new Map() });
    expect(b.sportOf("e1")).toBeUndefined();
    expect(b.eventIds()).toEqual([]);
  });

  it("counts a sport it never held at seq 0 and creates it on its first commit", () => {
    const { board: b } = board();
    expect(b.seq("tennis")).toBe(0);
    b.apply("tennis", [{ eventId: "t1", event: eventOdds("t1", { sport: "tennis", phase: "live" }) }], 1);
    expect(b.sportKeys()).toEqual(["tennis"]);
    expect(b.summary()).toEqual([{ sport: "tennis", events: 1, live: 1 }]);
  });

  it("asks for a reconcile when a sport falls behind, and warns once per sport", () => {
    const { board: b, warnings } = board();
    b.reconcileNeeded = false;
    b.markBehind("soccer_epl", "Redis holds seq 1, expected 3");
    b.markBehind("soccer_epl", "Redis holds seq 1, expected 4");
    expect(b.reconcileNeeded).toBe(true);
    expect(b.behindSports()).toEqual(["soccer_epl"]);
    expect(warnings).toHaveLength(1);
    b.caughtUp("soccer_epl");
    expect(b.isBehind("soccer_epl")).toBe(false);
  });

  it("gives a whole-sport rewrite the held events with the step's writes applied, without changing them", () => {
    const { board: b } = board();
    b.load("soccer_epl", {
      seq: 2,
      events: new Map([
        ["e1", eventOdds("e1")],
        ["e2", eventOdds("e2")],
      ]),
    });
    const after = b.eventsAfter("soccer_epl", [
      { eventId: "e1", event: null },
      { eventId: "e3", event: eventOdds("e3") },
    ]);
    expect([...after.keys()]).toEqual(["e2", "e3"]);
    expect(b.eventIds()).toEqual(["e1", "e2"]);
  });

  it("doubts memory after a write behind its back: reload and reconcile", () => {
    const { board: b } = board();
    b.loaded = true;
    b.reconcileNeeded = false;
    b.doubt();
    expect(b).toMatchObject({ loaded: false, reconcileNeeded: true });
  });
});

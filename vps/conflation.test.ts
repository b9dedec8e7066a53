import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Change, type EventOdds, type OddsDelta, applyChanges } from "../lib/protocol";
import { boardArb, changeArb } from "../tests/support/odds-arbitraries";
import { compactChanges, mergeDeltas } from "./conflation";

const toMap = (events: EventOdds[]) => new Map(events.map((event) => [event.id, event]));

describe("compactChanges", () => {
  it("leaves out changes that a later change of the same event overwrites, keeps the order of the rest", () => {
    const changes: Change[] = [
      { eventId: "e1", path: "markets.h2h.outcomes.home.price", value: 2.1 },
      { eventId: "e2", path: "markets.h2h.outcomes.home.price", value: 3 },
      { eventId: "e1", path: "markets.h2h.outcomes.home.price", value: 2.2 },
      { eventId: "e1", path: "markets.h2hx", value: null }, // not above markets.h2h…: unrelated
      { eventId: "e2", path: "", value: null },
      { eventId: "e1", path: "status", value: "suspended" },
    ];
    expect(compactChanges(changes)).toEqual([changes[2], changes[3], changes[4], changes[5]]);
  });

  it("property: applying the compacted changes gives the same board as applying them all", () => {
    fc.assert(
      fc.property(boardArb, fc.array(changeArb, { maxLength: 60 }), (board, changes) => {
        const all = toMap(board);
        applyChanges(all, changes);
        const compacted = toMap(board);
        applyChanges(compacted, compactChanges(changes));
        expect(compacted).toEqual(all);
      }),
      { numRuns: 500 },
    );
  });
});

describe("mergeDeltas", () => {
  const delta = (seq: number, changes: Change[], origin?: number): OddsDelta => ({
    sport: "s",
    seq,
    prevSeq: seq - 1,
    ts: seq * 10,
    changes,
    ...(origin === undefined ? {} : { origin }),
  });

  it("goes from the held seq to the last delta's, with its ts and the earliest origin", () => {
    const merged = mergeDeltas(4, [
      delta(5, [{ eventId: "e1", path: "status", value: "active" }], 30),
      delta(6, []),
      delta(7, [{ eventId: "e1", path: "status", value: "suspended" }], 20),
    ]);
    expect(merged).toEqual({ sport: "s", seq: 7, prevSeq: 4, ts: 70, origin: 20, changes: [{ eventId: "e1", path: "status", value: "suspended" }] });
    expect(mergeDeltas(6, [delta(7, [])])).toEqual({ sport: "s", seq: 7, prevSeq: 6, ts: 70, changes: [] });
  });

  it("refuses to merge nothing", () => {
    expect(() => mergeDeltas(1, [])).toThrow();
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Change, applyChanges } from "./changes";
import type { EventOdds } from "./odds";
import { eventOdds } from "./test-events";
import { type OddsDelta, WireDelta, packDelta, unpackDelta } from "./wire";

const ids = ["e1", "e2", "e3", "4"];
const change: fc.Arbitrary<Change> = fc.oneof(
  fc.record({ eventId: fc.constantFrom(...ids), path: fc.constant("markets.h2h.outcomes.home.price"), value: fc.double({ min: 1.01, max: 50, noNaN: true }) }),
  fc.record({ eventId: fc.constantFrom(...ids), path: fc.constant("status"), value: fc.constantFrom("active", "suspended") }),
  fc.record({ eventId: fc.constantFrom(...ids), path: fc.constant("markets.totals"), value: fc.constant(null) }),
  fc.constantFrom(...ids).chain((id) => fc.record({ eventId: fc.constant(id), path: fc.constant(""), value: fc.constantFrom(null, eventOdds(id)) })),
);
const delta = (changes: Change[]): OddsDelta => ({ sport: "soccer_epl", seq: 8, prevSeq: 7, ts: 1_000, origin: 990, changes });
const state = (): Map<string, EventOdds> => new Map(ids.map((id) => [id, eventOdds(id)]));

describe("packDelta / unpackDelta", () => {
  it("applying the unpacked changes after a JSON trip gives the state the original changes give", () => {
    fc.assert(
      fc.property(fc.array(change, { maxLength: 30 }), (changes) => {
        const wire = JSON.parse(JSON.stringify(packDelta(delta(changes))));
        expect(WireDelta.safeParse(wire).success).toBe(true);
        const unpacked = unpackDelta(wire);
        expect({ ...unpacked, changes: [] }).toEqual({ ...delta([]) });
        const expected = state();
        const actual = state();
        applyChanges(expected, changes);
        applyChanges(actual, unpacked.changes);
        expect([...actual.entries()].sort()).toEqual([...expected.entries()].sort());
      }),
    );
  });

  it("keeps each event's changes in their order and names each event once", () => {
    const changes: Change[] = [
      { eventId: "e1", path: "markets.h2h.outcomes.home.price", value: 2.1 },
      { eventId: "e2", path: "status", value: "suspended" },
      { eventId: "e1", path: "markets.h2h.outcomes.home.price", value: 2.2 },
    ];
    const wire = packDelta(delta(changes));
    expect(wire.byEvent).toEqual({ e1: ["markets.h2h.outcomes.home.price", 2.1, "markets.h2h.outcomes.home.price", 2.2], e2: ["status", "suspended"] });
    expect(
      unpackDelta(wire)
        .changes.filter((c) => c.eventId === "e1")
        .map((c) => c.value),
    ).toEqual([2.1, 2.2]);
    expect(JSON.stringify(wire).length).toBeLessThan(JSON.stringify(delta(changes)).length);
  });

  it("an empty delta stays empty, and an odd list is refused", () => {
    expect(unpackDelta(packDelta(delta([]))).changes).toEqual([]);
    expect(WireDelta.safeParse({ ...packDelta(delta([])), byEvent: { e1: ["status"] } }).success).toBe(false);
  });
});

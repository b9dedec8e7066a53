import { describe, expect, it } from "vitest";
import type { HistoryMessage } from "./bus";
import { isReplayable, parseStoredEvent } from "./state-read";
import { eventOdds, market, outcome } from "./test-events";

const delta = (seq: number): HistoryMessage => ({ v: 1, type: "odds:delta", sport: "s", seq, prevSeq: seq - 1, ts: 0, changes: [] });
const marker = (seq: number): HistoryMessage => ({ v: 1, type: "odds:resync", sport: "s", seq, prevSeq: seq - 1, ts: 0, reason: "large_delta" });

describe("isReplayable", () => {
  it("accepts exactly the deltas after `since` up to the target seq", () => {
    expect(isReplayable([delta(4), delta(5), delta(6)], 3, 6)).toBe(true);
    expect(isReplayable([], 6, 6)).toBe(true);
  });

  it("refuses holes, extras, a late start and resync markers", () => {
    expect(isReplayable([delta(5), delta(6)], 3, 6)).toBe(false); // trimmed: 4 is gone
    expect(isReplayable([delta(4), delta(6)], 3, 6)).toBe(false); // hole
    expect(isReplayable([delta(4), delta(5)], 3, 6)).toBe(false); // does not reach the target
    expect(isReplayable([delta(4), marker(5), delta(6)], 3, 6)).toBe(false); // state replaced in between
    expect(isReplayable([delta(4), { ...delta(5), prevSeq: 3 }, delta(6)], 3, 6)).toBe(false); // inconsistent chain
  });
});

describe("parseStoredEvent", () => {
  it("reads a stored event as it is", () => {
    const event = eventOdds("e1", {
      markets: { h2h: market("h2h", { home: outcome(1.95, { fair: 0.4865 }), draw: outcome(3.4, { fair: null }), away: outcome(4.1, { fair: 0 }) }) },
    });
    expect(parseStoredEvent(JSON.stringify(event))).toEqual(event);
  });

  it("refuses what is invalid, an outcome without its derived fields included", () => {
    expect(parseStoredEvent("{")).toBeNull();
    expect(parseStoredEvent(JSON.stringify({ id: "e1" }))).toBeNull();
    const withoutImplied = JSON.stringify(eventOdds("e1"), (key, value: unknown) => (key === "implied" ? undefined : value));
    expect(parseStoredEvent(withoutImplied)).toBeNull();
    const broken = eventOdds("e1");
    (broken.markets.h2h?.outcomes.home as { price: unknown }).price = "2.1";
    expect(parseStoredEvent(JSON.stringify(broken))).toBeNull();
  });
});

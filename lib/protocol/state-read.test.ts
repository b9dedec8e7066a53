import { describe, expect, it } from "vitest";
import type { HistoryMessage } from "./bus";
import { isReplayable } from "./state-read";

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

import { describe, expect, it } from "vitest";
import { SeqTracker } from "./seq-tracker";

describe("SeqTracker", () => {
  it("accepts a snapshot then consecutive deltas", () => {
    const tracker = new SeqTracker("snapshot");
    tracker.snapshot("nba", 10, false);
    expect([tracker.delta("nba", 11, 10), tracker.delta("nba", 12, 11)]).toEqual(["applied", "applied"]);
    expect(tracker.resume()).toEqual({ nba: 12 });
    expect(tracker.gaps + tracker.duplicates).toBe(0);
  });

  it("counts a skipped seq as a gap and carries on from the delta", () => {
    const tracker = new SeqTracker("snapshot");
    tracker.snapshot("nba", 10, false);
    expect(tracker.delta("nba", 12, 11)).toBe("gap");
    expect(tracker.delta("nba", 13, 12)).toBe("applied");
    expect(tracker.gaps).toBe(1);
  });

  it("takes a delta that merges several seqs onto the one held, counting the seqs it stands for", () => {
    const tracker = new SeqTracker("snapshot");
    tracker.snapshot("nba", 10, false);
    expect(tracker.delta("nba", 14, 10)).toBe("applied");
    expect(tracker.delta("nba", 15, 14)).toBe("applied");
    expect({ gaps: tracker.gaps, merged: tracker.merged }).toEqual({ gaps: 0, merged: 3 });
  });

  it("counts a repeated or older seq as a duplicate and keeps what it holds", () => {
    const tracker = new SeqTracker("snapshot");
    tracker.snapshot("nba", 10, false);
    expect(tracker.delta("nba", 10, 9)).toBe("duplicate");
    expect(tracker.delta("nba", 11, 10)).toBe("applied");
    expect(tracker.duplicates).toBe(1);
    expect(tracker.gaps).toBe(0);
  });

  it("with a snapshot anchor, a delta before any snapshot is a gap; with a first-delta anchor it starts the chain", () => {
    const relay = new SeqTracker("snapshot");
    expect(relay.delta("nba", 5, 4)).toBe("gap");
    const bare = new SeqTracker("first-delta");
    expect(bare.delta("nba", 5, 4)).toBe("applied");
    expect(bare.delta("nba", 6, 5)).toBe("applied");
    expect(bare.gaps).toBe(0);
  });

  it("ignores an older plain snapshot but takes a resync snapshot, counting it", () => {
    const tracker = new SeqTracker("snapshot");
    tracker.snapshot("nba", 10, false);
    tracker.snapshot("nba", 8, false);
    expect(tracker.resume()).toEqual({ nba: 10 });
    tracker.snapshot("nba", 9, true);
    expect(tracker.resume()).toEqual({ nba: 9 });
    expect(tracker.resyncs).toBe(1);
  });

  it("knows when every sport reached a seq", () => {
    const tracker = new SeqTracker("snapshot");
    tracker.snapshot("nba", 3, false);
    tracker.snapshot("nfl", 7, false);
    expect(tracker.reached({ nba: 3, nfl: 7 })).toBe(true);
    expect(tracker.reached({ nba: 4, nfl: 7 })).toBe(false);
    expect(tracker.reached({ nhl: 1 })).toBe(false);
  });
});

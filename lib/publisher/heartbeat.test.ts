import { describe, expect, it } from "vitest";
import { feedState } from "./heartbeat";

describe("feedState", () => {
  const now = 100_000;
  const view = { desired: "running" as const, failing: false, lastTickAt: now - 1_000, intervalMs: 500 };

  it("is live after a recent successful tick, within three intervals and at least 2 s", () => {
    expect(feedState(view, now)).toBe("live");
    expect(feedState({ ...view, lastTickAt: now - 2_000 }, now)).toBe("stale");
    expect(feedState({ ...view, intervalMs: 1_000, lastTickAt: now - 2_500 }, now)).toBe("live");
  });

  it("is stopped when an admin stopped it, and stale while failing, before a tick or before the decision is read", () => {
    expect(feedState({ ...view, desired: "stopped", failing: true }, now)).toBe("stopped");
    expect(feedState({ ...view, failing: true }, now)).toBe("stale");
    expect(feedState({ ...view, lastTickAt: null }, now)).toBe("stale");
    expect(feedState({ ...view, desired: null }, now)).toBe("stale");
  });
});

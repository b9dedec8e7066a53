import { describe, expect, it } from "vitest";
import { type FeedStatus, silenceLimitMs } from "../lib/protocol";
import { FeedStatusTracker } from "./feed-status";

const HEARTBEAT_GRACE_MS = silenceLimitMs(1_000);

describe("FeedStatusTracker", () => {
  it("starts stale, follows heartbeats, and goes stale on silence or a lost bus", () => {
    const seen: FeedStatus[] = [];
    const tracker = new FeedStatusTracker((s) => seen.push(s), 0);
    expect(tracker.current().status).toBe("stale");
    tracker.heartbeat("live", 1_000);
    tracker.heartbeat("live", 2_000); // no change, no broadcast
    tracker.check(2_000 + HEARTBEAT_GRACE_MS - 1);
    expect(seen.map((s) => s.status)).toEqual(["live"]);
    tracker.check(2_000 + HEARTBEAT_GRACE_MS + 1);
    expect(tracker.current()).toMatchObject({ status: "stale", reason: "no heartbeat from the publisher" });
    tracker.heartbeat("stopped", 9_000);
    expect(tracker.current().status).toBe("stopped");
    tracker.check(9_000 + HEARTBEAT_GRACE_MS - 1); // stopped, and the publisher still says so each second
    expect(tracker.current().status).toBe("stopped");
    tracker.check(60_000); // stopped, but nobody has said anything for a minute: we do not know
    expect(tracker.current().status).toBe("stale");
    tracker.busLost(61_000);
    tracker.heartbeat("live", 61_500); // a beat that slipped through before the close is not believed
    expect(tracker.current()).toMatchObject({ status: "stale", reason: "the relay lost its connection to Redis" });
    tracker.busRestored();
    tracker.heartbeat("live", 62_000);
    expect(tracker.current().status).toBe("live");
  });

  it("reports a publisher that says it is failing as stale", () => {
    const tracker = new FeedStatusTracker(() => {}, 0);
    tracker.heartbeat("stale", 1);
    expect(tracker.current()).toMatchObject({ status: "stale", reason: expect.stringContaining("cannot read or write") });
  });

  it("allows the silence the last heartbeat announced: slow heartbeats do not flip a healthy feed to stale", () => {
    const tracker = new FeedStatusTracker(() => {}, 0);
    tracker.heartbeat("live", 1_000, 10_000);
    tracker.check(1_000 + 30_000);
    expect(tracker.current().status).toBe("live");
    tracker.check(1_000 + silenceLimitMs(10_000) + 1);
    expect(tracker.current()).toMatchObject({ status: "stale", reason: "no heartbeat from the publisher" });
    tracker.heartbeat("live", 50_000); // an older publisher that states no period: one second
    tracker.check(50_000 + 3_501);
    expect(tracker.current().status).toBe("stale");
  });

  it("is stale while the odds source reports trouble, with its reason, and live again once it recovers", () => {
    const seen: FeedStatus[] = [];
    const tracker = new FeedStatusTracker((s) => seen.push(s), 0);
    tracker.heartbeat("live", 1_000, 1_000, { state: "ok", reason: null });
    expect(tracker.current().status).toBe("live");
    tracker.heartbeat("live", 2_000, 1_000, { state: "stale", reason: "the circuit breaker of odds is open" });
    expect(tracker.current()).toMatchObject({ status: "stale", reason: "the odds source is failing: the circuit breaker of odds is open" });
    tracker.heartbeat("live", 3_000, 1_000, { state: "stopped", reason: "OUT_OF_USAGE_CREDITS" });
    expect(tracker.current()).toMatchObject({ status: "stale", reason: "the odds source stopped: OUT_OF_USAGE_CREDITS" });
    tracker.heartbeat("stopped", 4_000, 1_000, { state: "stale", reason: "x" }); // an admin's stop says more
    expect(tracker.current().status).toBe("stopped");
    tracker.heartbeat("live", 5_000, 1_000, { state: "ok", reason: null });
    expect(seen.map((s) => s.status)).toEqual(["live", "stale", "stale", "stopped", "live"]);
  });
});

import { describe, expect, it } from "vitest";
import { type FeedStatus, silenceLimitMs } from "../lib/protocol";
import { FeedStatusTracker } from "./feed-status";

const HEARTBEAT_GRACE_MS = silenceLimitMs(1_000);

describe("FeedStatusTracker", () => {
  it("starts stale, follows heartbeats, and goes stale on silence or a lost bus", () => {
    const seen: FeedStatus[] = [];
    const tracker = new FeedStatusTracker((s) => seen.push(s), 0);
    expect(tracker.current().status).toBe("stale");
    tracker.heartbeat({ status: "live", heartbeatMs: 1_000 }, 1_000);
    tracker.heartbeat({ status: "live", heartbeatMs: 1_000 }, 2_000); // no change, no broadcast
    tracker.check(2_000 + HEARTBEAT_GRACE_MS - 1);
    expect(seen.map((s) => s.status)).toEqual(["live"]);
    tracker.check(2_000 + HEARTBEAT_GRACE_MS + 1);
    expect(tracker.current()).toMatchObject({ status: "stale", reason: "no heartbeat from the publisher" });
    tracker.heartbeat({ status: "stopped", heartbeatMs: 1_000 }, 9_000);
    expect(tracker.current().status).toBe("stopped");
    tracker.check(9_000 + HEARTBEAT_GRACE_MS - 1); // stopped, and the publisher still says so each second
    expect(tracker.current().status).toBe("stopped");
    tracker.check(60_000); // stopped, but nobody has said anything for a minute: we do not know
    expect(tracker.current().status).toBe("stale");
    tracker.busLost(61_000);
    tracker.heartbeat({ status: "live", heartbeatMs: 1_000 }, 61_500); // a beat that slipped through before the close is not believed
    expect(tracker.current()).toMatchObject({ status: "stale", reason: "the relay lost its connection to Redis" });
    tracker.busRestored();
    tracker.heartbeat({ status: "live", heartbeatMs: 1_000 }, 62_000);
    expect(tracker.current().status).toBe("live");
  });

  it("reports a publisher that says it is failing as stale", () => {
    const tracker = new FeedStatusTracker(() => {}, 0);
    tracker.heartbeat({ status: "stale", heartbeatMs: 1_000 }, 1);
    expect(tracker.current()).toMatchObject({ status: "stale", reason: expect.stringContaining("cannot read or write") });
  });

  it("allows the silence the last heartbeat announced: slow heartbeats do not flip a healthy feed to stale", () => {
    const tracker = new FeedStatusTracker(() => {}, 0);
    tracker.heartbeat({ status: "live", heartbeatMs: 10_000 }, 1_000);
    tracker.check(1_000 + 30_000);
    expect(tracker.current().status).toBe("live");
    tracker.check(1_000 + silenceLimitMs(10_000) + 1);
    expect(tracker.current()).toMatchObject({ status: "stale", reason: "no heartbeat from the publisher" });
    tracker.heartbeat({ status: "live", heartbeatMs: 1_000 }, 50_000); // back to a one-second period
    tracker.check(50_000 + 3_501);
    expect(tracker.current().status).toBe("stale");
  });

  it("a failing odds source does not turn the feed stale by itself: only the sports whose vouch lapsed are, with the source's trouble as their reason", () => {
    const seen: FeedStatus[] = [];
    const tracker = new FeedStatusTracker((s) => seen.push(s), 0);
    const up = { name: "the-odds-api" as const, state: "up" as const, reason: "The Odds API poller is failing: the circuit breaker of odds is open" };
    tracker.heartbeat({ status: "live", heartbeatMs: 1_000, producer: up }, 1_000);
    expect(tracker.current()).toEqual({ status: "live", since: 1_000 });
    const overdue = "The Odds API poller's prices for this sport are overdue (the circuit breaker of odds is open)";
    tracker.heartbeat({ status: "live", heartbeatMs: 1_000, producer: up, staleSports: { soccer_epl: overdue } }, 2_000);
    expect(tracker.current()).toEqual({ status: "live", since: 1_000, sports: { soccer_epl: overdue } });
    expect(seen.map((s) => s.status)).toEqual(["live", "live"]);
  });

  it("is stale with the producer's reason while the publisher says the producer is down, and live again once it is up", () => {
    const seen: FeedStatus[] = [];
    const tracker = new FeedStatusTracker((s) => seen.push(s), 0);
    const down = { name: "simulator" as const, state: "down" as const, reason: "no heartbeat from the simulator for over 5 s" };
    tracker.heartbeat({ status: "live", heartbeatMs: 1_000, producer: { name: "simulator" as const, state: "up" as const, reason: null } }, 1_000);
    tracker.heartbeat({ status: "live", heartbeatMs: 1_000, producer: down, staleSports: { soccer_epl: down.reason } }, 2_000);
    expect(tracker.current()).toEqual({ status: "stale", since: 2_000, reason: "the odds producer is down: no heartbeat from the simulator for over 5 s" });
    tracker.heartbeat({ status: "live", heartbeatMs: 1_000, producer: down }, 3_000); // the same: no broadcast
    tracker.heartbeat({ status: "stopped", heartbeatMs: 1_000, producer: down }, 4_000); // an admin's stop says more
    expect(tracker.current().status).toBe("stopped");
    tracker.heartbeat({ status: "live", heartbeatMs: 1_000, producer: { name: "simulator" as const, state: "up" as const, reason: null } }, 5_000);
    expect(seen.map((s) => s.status)).toEqual(["live", "stale", "stopped", "live"]);
  });

  it("while live, lists the sports nobody vouches for with why, and broadcasts when that list changes", () => {
    const seen: FeedStatus[] = [];
    const tracker = new FeedStatusTracker((s) => seen.push(s), 0);
    const up = { name: "the-odds-api" as const, state: "up" as const, reason: null };
    tracker.heartbeat({ status: "live", heartbeatMs: 1_000, producer: up, staleSports: {} }, 1_000);
    expect(tracker.current()).toEqual({ status: "live", since: 1_000 });
    tracker.heartbeat(
      { status: "live", heartbeatMs: 1_000, producer: up, staleSports: { soccer_epl: "The Odds API poller's prices for this sport are overdue" } },
      2_000,
    );
    expect(tracker.current()).toEqual({ status: "live", since: 1_000, sports: { soccer_epl: "The Odds API poller's prices for this sport are overdue" } });
    tracker.heartbeat(
      { status: "live", heartbeatMs: 1_000, producer: up, staleSports: { soccer_epl: "The Odds API poller's prices for this sport are overdue" } },
      3_000,
    );
    tracker.heartbeat({ status: "live", heartbeatMs: 1_000, producer: up }, 4_000);
    expect(tracker.current()).toEqual({ status: "live", since: 1_000 });
    expect(seen).toHaveLength(3);
    // Silence: nothing is known of any sport any more.
    tracker.heartbeat({ status: "live", heartbeatMs: 1_000, staleSports: { soccer_epl: "x" } }, 5_000);
    tracker.check(5_000 + HEARTBEAT_GRACE_MS + 1);
    expect(tracker.current()).toEqual({ status: "stale", since: 5_000 + HEARTBEAT_GRACE_MS + 1, reason: "no heartbeat from the publisher" });
  });
});

import { describe, expect, it } from "vitest";
import { OutageTracker } from "./outages";

describe("OutageTracker", () => {
  it("announces a Postgres outage when it starts, once, and its end with how long it lasted", () => {
    const tracker = new OutageTracker();
    expect(tracker.failed("postgres", "Postgres is unreachable", 1_000)).toEqual([
      { service: "postgres", state: "down", reason: "Postgres is unreachable", downForMs: 0 },
    ]);
    expect(tracker.failed("postgres", "Postgres is unreachable", 1_100)).toEqual([]);
    expect(tracker.isDown("postgres")).toBe(true);
    expect(tracker.recovered("postgres", 4_500)).toEqual([{ service: "postgres", state: "up", downForMs: 3_500 }]);
    expect(tracker.isDown("postgres")).toBe(false);
  });

  it("holds a Redis outage back until Redis is back, then sends its down (with when it began) and its up", () => {
    const tracker = new OutageTracker();
    expect(tracker.failed("redis", "Redis is unreachable", 2_000)).toEqual([]);
    expect(tracker.failed("redis", "Redis is unreachable", 2_500)).toEqual([]);
    expect(tracker.recovered("redis", 9_000)).toEqual([
      { service: "redis", state: "down", reason: "Redis is unreachable", downForMs: 7_000 },
      { service: "redis", state: "up", downForMs: 7_000 },
    ]);
  });

  it("says nothing about a service that never went down, or twice about one outage", () => {
    const tracker = new OutageTracker();
    expect(tracker.recovered("redis", 1_000)).toEqual([]);
    tracker.failed("postgres", "Postgres is unreachable", 1_000);
    expect(tracker.recovered("postgres", 2_000)).toHaveLength(1);
    expect(tracker.recovered("postgres", 3_000)).toEqual([]);
  });

  it("tracks the two services apart", () => {
    const tracker = new OutageTracker();
    tracker.failed("postgres", "Postgres is unreachable", 1_000);
    tracker.failed("redis", "Redis is unreachable", 1_500);
    expect(tracker.recovered("postgres", 2_000)).toEqual([{ service: "postgres", state: "up", downForMs: 1_000 }]);
    expect(tracker.isDown("redis")).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { OddsApiError } from "./api";
import { SourceHealth } from "./source-health";

describe("SourceHealth", () => {
  it("starts stale, is ok after a success, stale with a reason after a failure", () => {
    const health = new SourceHealth(0);
    expect(health.state).toBe("stale");
    health.succeeded(1_000);
    expect([health.state, health.reason, health.lastSuccessAt]).toEqual(["ok", null, 1_000]);
    health.failed(new OddsApiError("timeout", "odds", "no answer in 10000 ms"), 2_000);
    expect([health.state, health.reason, health.since]).toEqual(["stale", "The Odds API does not answer odds in time", 2_000]);
    health.failed(new OddsApiError("breaker_open", "odds", "open"), 5_000);
    expect(health.since).toBe(2_000); // still stale: since the first failure
    health.succeeded(40_000);
    expect([health.state, health.since]).toEqual(["ok", 40_000]);
  });

  it("a 401 stops it for good; a bad request of ours is no outage", () => {
    const health = new SourceHealth(0);
    health.succeeded(1);
    health.failed(new OddsApiError("bad_request", "odds", "unknown sport", { status: 404, code: "UNKNOWN_SPORT" }), 2);
    expect(health.state).toBe("ok");
    health.failed(new OddsApiError("unauthorized", "odds", "You have reached your usage quota", { status: 401, code: "OUT_OF_USAGE_CREDITS" }), 3);
    expect([health.state, health.reason]).toEqual(["stopped", "OUT_OF_USAGE_CREDITS: You have reached your usage quota"]);
    health.failed(new OddsApiError("timeout", "odds", "x"), 4);
    expect(health.state).toBe("stopped");
  });
});

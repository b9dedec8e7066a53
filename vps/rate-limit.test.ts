import { describe, expect, it } from "vitest";
import { ClientLimiter, FLOOD_DISCONNECT_AFTER, TokenBucket } from "./rate-limit";

describe("TokenBucket", () => {
  it("allows a burst, then the sustained rate", () => {
    const bucket = new TokenBucket(10, 5, 0);
    expect(Array.from({ length: 7 }, () => bucket.take(0))).toEqual([true, true, true, true, true, false, false]);
    expect(bucket.take(100)).toBe(true); // 100 ms at 10/s refills one
    expect(bucket.take(100)).toBe(false);
    expect(Array.from({ length: 6 }, () => bucket.take(10_000)).filter(Boolean)).toHaveLength(5); // never above the burst
  });
});

describe("ClientLimiter", () => {
  it("calls a client a flood once, at the hundredth refusal within 10 s, and starts counting again after the window", () => {
    const limiter = new ClientLimiter({ perSec: 10, burst: 5 }, 0);
    const verdicts = Array.from({ length: FLOOD_DISCONNECT_AFTER + 5 }, () => limiter.refused(1_000));
    expect(verdicts.indexOf(true)).toBe(FLOOD_DISCONNECT_AFTER - 1);
    expect(verdicts.filter(Boolean)).toHaveLength(1);
    expect(limiter.refused(11_001)).toBe(false); // a new window
  });

  it("takes messages at the bucket's rate", () => {
    const limiter = new ClientLimiter({ perSec: 10, burst: 2 }, 0);
    expect([limiter.take(0), limiter.take(0), limiter.take(0), limiter.take(100)]).toEqual([true, true, false, true]);
  });
});

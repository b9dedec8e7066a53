import { describe, expect, it } from "vitest";
import { TokenBucket } from "./rate-limit";

describe("TokenBucket", () => {
  it("allows a burst, then the sustained rate", () => {
    const bucket = new TokenBucket(10, 5, 0);
    expect(Array.from({ length: 7 }, () => bucket.take(0))).toEqual([true, true, true, true, true, false, false]);
    expect(bucket.take(100)).toBe(true); // 100 ms at 10/s refills one
    expect(bucket.take(100)).toBe(false);
    expect(Array.from({ length: 6 }, () => bucket.take(10_000)).filter(Boolean)).toHaveLength(5); // never above the burst
  });
});

import { describe, expect, it } from "vitest";
import { RateLimit } from "./rate-limit";

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe("RateLimit", () => {
  it("is not blocked until a 429", () => {
    const time = clock();
    expect(new RateLimit({ now: time.now, initialDelayMs: 100, maxDelayMs: 10_000 }).blockedUntil()).toBe(0);
  });

  it("blocks for the Retry-After, then lets calls through", () => {
    const time = clock();
    const limit = new RateLimit({ now: time.now, initialDelayMs: 100, maxDelayMs: 10_000 });
    expect(limit.limited(2_000)).toBe(2_000);
    expect(limit.blockedUntil()).toBe(time.now() + 2_000);
    time.advance(1_999);
    expect(limit.blockedUntil()).toBeGreaterThan(0);
    time.advance(1);
    expect(limit.blockedUntil()).toBe(0);
  });

  it("backs off by itself when no Retry-After came, never past the cap", () => {
    const time = clock();
    const limit = new RateLimit({ now: time.now, initialDelayMs: 100, maxDelayMs: 1_000 });
    const waits = Array.from({ length: 12 }, () => limit.limited(null));
    for (const wait of waits) expect(wait).toBeGreaterThan(0);
    for (const wait of waits) expect(wait).toBeLessThanOrEqual(1_000);
    // Decorrelated jitter telescopes: the waits of a run add up to ~2^n × initialDelay, so a
    // run of 12 spends far longer blocked than 12 first steps would.
    expect(waits.reduce((a, b) => a + b, 0)).toBeGreaterThan(12 * 200);
  });

  it("starts the backoff afresh after another answer", () => {
    const time = clock();
    const limit = new RateLimit({ now: time.now, initialDelayMs: 100, maxDelayMs: 100_000 });
    for (let i = 0; i < 10; i++) limit.limited(null);
    limit.answered();
    // The first step of a fresh backoff is at most ~2 × initialDelay.
    expect(limit.limited(null)).toBeLessThanOrEqual(200);
  });
});

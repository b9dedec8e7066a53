import { describe, expect, it } from "vitest";
import { MAX_RETRY_AFTER_MS, parseRetryAfter, parseUsage } from "./headers";

const headers = (values: Record<string, string>) => new Headers(values);

describe("parseUsage", () => {
  it("reads the three counters", () => {
    const usage = parseUsage(headers({ "x-requests-remaining": "491", "x-requests-used": "9", "x-requests-last": "9" }));
    expect(usage).toEqual({ remaining: 491, used: 9, last: 9 });
  });

  it("accepts the float form some plans send", () => {
    const usage = parseUsage(headers({ "x-requests-remaining": "499.0", "x-requests-used": "1.0", "x-requests-last": "0" }));
    expect(usage).toEqual({ remaining: 499, used: 1, last: 0 });
  });

  it("is null when a counter is missing", () => {
    expect(parseUsage(headers({ "x-requests-remaining": "491", "x-requests-used": "9" }))).toBeNull();
    expect(parseUsage(headers({}))).toBeNull();
  });

  it("is null when a counter is not a non-negative number", () => {
    for (const bad of ["-1", "abc", "", "1e3", "Infinity", "0x10"]) {
      expect(parseUsage(headers({ "x-requests-remaining": bad, "x-requests-used": "9", "x-requests-last": "9" }))).toBeNull();
    }
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-03-01T12:00:00Z");

  it("reads delta-seconds as ms", () => {
    expect(parseRetryAfter("2", now)).toBe(2_000);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
  });

  it("reads an HTTP date relative to now", () => {
    expect(parseRetryAfter("Sun, 01 Mar 2026 12:00:30 GMT", now)).toBe(30_000);
  });

  it("treats a date in the past as no wait", () => {
    expect(parseRetryAfter("Sun, 01 Mar 2026 11:00:00 GMT", now)).toBe(0);
  });

  it("caps absurd waits", () => {
    expect(parseRetryAfter("99999999", now)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter("Fri, 01 Jan 2100 00:00:00 GMT", now)).toBe(MAX_RETRY_AFTER_MS);
  });

  it("is null when absent or unreadable", () => {
    for (const bad of [null, "", "soon", "1.5", "-3", "2026-03-01"]) expect(parseRetryAfter(bad, now)).toBeNull();
  });
});

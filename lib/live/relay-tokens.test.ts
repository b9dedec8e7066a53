import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type RelayToken, RelayTokens } from "./relay-tokens";

describe("RelayTokens", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2026-11-24T10:00:00Z"));
  });
  afterEach(() => vi.useRealTimers());

  const token = (name: string, minutes = 5): RelayToken => ({ token: name, expiresAt: new Date(Date.now() + minutes * 60_000).toISOString() });

  it("hands over a token, fetches the next a minute before it runs out, and drops it on stop", async () => {
    const names = ["t1", "t2"];
    const fetchToken = vi.fn(async () => token(names.shift() ?? "t3"));
    const used: (string | null)[] = [];
    const tokens = new RelayTokens(fetchToken, (t) => used.push(t));
    tokens.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(used).toEqual(["t1"]);
    await vi.advanceTimersByTimeAsync(3 * 60_000 + 59_000);
    expect(used).toEqual(["t1"]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(used).toEqual(["t1", "t2"]);
    tokens.stop();
    expect(used).toEqual(["t1", "t2", null]);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(fetchToken).toHaveBeenCalledTimes(2);
  });

  it("retries a failed fetch with backoff, and refreshes at once when asked", async () => {
    const answers: (RelayToken | null)[] = [null, null, token("t1")];
    const fetchToken = vi.fn(async () => (answers.length > 0 ? (answers.shift() as RelayToken | null) : token("t2")));
    const used: (string | null)[] = [];
    const tokens = new RelayTokens(fetchToken, (t) => used.push(t));
    tokens.start();
    await vi.advanceTimersByTimeAsync(2_000 + 4_000);
    expect(used).toEqual(["t1"]);
    await tokens.refresh();
    expect(used).toEqual(["t1", "t2"]);
  });
});

import { describe, expect, it } from "vitest";
import { closedState } from "./decision";

const open = { market: "OPEN", event: "ACTIVE", marketSuspendedAt: "2026-12-07 10:00:00.123", eventSuspendedAt: null };
const code = (decision: ReturnType<typeof closedState>) => (decision?.body.error as { code: string; reason?: string } | undefined) ?? null;

describe("closedState", () => {
  it("takes bets on an open market of an active event", () => {
    expect(closedState(open, null)).toBeNull();
    expect(closedState(open, { market: open.marketSuspendedAt, event: null })).toBeNull();
  });

  it("over, closed or suspended, in that order", () => {
    expect(code(closedState(undefined, null))).toMatchObject({ code: "event_closed" });
    expect(code(closedState({ ...open, event: "ENDED", market: "SUSPENDED" }, null))).toMatchObject({ code: "event_closed" });
    expect(code(closedState({ ...open, market: "SETTLED" }, null))).toMatchObject({ code: "market_closed" });
    expect(code(closedState({ ...open, event: "SUSPENDED" }, null))).toEqual({ code: "market_suspended", message: "this market is suspended" });
    expect(code(closedState({ ...open, market: "SUSPENDED" }, null))).toEqual({ code: "market_suspended", message: "this market is suspended" });
  });

  it("after the in-play delay: refused when the market or the event was suspended meanwhile, even if open again", () => {
    const seen = { market: open.marketSuspendedAt, event: null };
    const during = { code: "market_suspended", reason: "suspended_during_delay", message: expect.stringContaining("suspended during the in-play delay") };
    expect(code(closedState({ ...open, marketSuspendedAt: "2026-12-07 10:05:00.001" }, seen))).toEqual(during);
    expect(code(closedState({ ...open, eventSuspendedAt: "2026-12-07 10:05:00.001" }, seen))).toEqual(during);
    expect(code(closedState({ ...open, market: "SUSPENDED", marketSuspendedAt: "2026-12-07 10:05:00.001" }, seen))).toEqual(during);
    // Ended meanwhile says so, suspended or not.
    expect(code(closedState({ ...open, event: "ENDED", eventSuspendedAt: "2026-12-07 10:05:00.001" }, seen))).toMatchObject({ code: "event_closed" });
  });
});

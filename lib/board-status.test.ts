import { describe, expect, it } from "vitest";
import { unvouched } from "./board-status";
import type { TrustRecord } from "./protocol";

const record = (producer: Partial<TrustRecord["producer"]>, staleSports: Record<string, string> = {}): TrustRecord => ({
  v: 1,
  at: 0,
  instanceId: "p1",
  publisher: { status: "ok", reason: null },
  producer: { name: "simulator", state: "up", reason: null, since: 0, ...producer },
  staleSports,
});
const live = (sport: string | null, isEsports = false) => ({ phase: "LIVE", sport, isEsports });

describe("unvouched", () => {
  it("an in-play market's sport that is stale, or any while the producer is down, is not vouched for", () => {
    expect(unvouched(record({}, { soccer_epl: "no poll since 12:00" }), live("soccer_epl"))).toEqual({
      reason: "sport_stale",
      why: "no poll since 12:00",
      sport: "soccer_epl",
    });
    expect(unvouched(record({}, { esports: "stale" }), live(null, true))).toMatchObject({ reason: "sport_stale", sport: "esports" });
    expect(unvouched(record({ state: "down", reason: "silent for 7 s" }), live("basketball_nba"))).toEqual({
      reason: "producer_down",
      why: "silent for 7 s",
      sport: "basketball_nba",
    });
  });

  it("vouched for: another sport stale, a prematch event, no record at all (nobody bet-stops then), nothing expected", () => {
    expect(unvouched(record({}, { soccer_epl: "stale" }), live("basketball_nba"))).toBeNull();
    expect(unvouched(record({ state: "down", reason: "x" }), { phase: "PREMATCH", sport: "soccer_epl", isEsports: false })).toBeNull();
    expect(unvouched(null, live("soccer_epl"))).toBeNull();
    expect(unvouched(record({ name: null, state: "none" }), live("soccer_epl"))).toBeNull();
    // Not on the live board at all (no sport, not esports): no bet stop reaches it.
    expect(unvouched(record({ state: "down", reason: "x" }), live(null))).toBeNull();
  });
});

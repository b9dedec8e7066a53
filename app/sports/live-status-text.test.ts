import { describe, expect, it } from "vitest";
import type { ConnectionStatus } from "@/lib/live/connection";
import { statusText } from "./live-status-text";

const base: ConnectionStatus = {
  state: "live",
  attempts: 0,
  lastUpdateAt: null,
  latencyMs: null,
  rttMs: null,
  feed: null,
  personal: false,
  error: null,
  relayError: null,
};

describe("statusText", () => {
  it("says live, stale with the reason, and paused", () => {
    expect(statusText(base)).toEqual({ tone: "good", label: "Live", detail: null });
    expect(statusText({ ...base, feed: { status: "stale", since: 1, reason: "no price for 30 s" } })).toMatchObject({
      tone: "bad",
      label: "Stale",
      detail: "Prices may be out of date: no price for 30 s.",
    });
    expect(statusText({ ...base, feed: { status: "stopped", since: 1 } })).toMatchObject({ label: "Paused" });
  });

  it("says stale, with why, for the sport on screen whose prices nobody vouches for while the feed is live", () => {
    const feed = { status: "live" as const, since: 1, sports: { soccer_epl: "the simulator does not feed this sport" } };
    expect(statusText({ ...base, feed }, "soccer_epl")).toEqual({
      tone: "bad",
      label: "Stale",
      detail: "Prices of this sport may be out of date: the simulator does not feed this sport.",
    });
    expect(statusText({ ...base, feed }, "basketball_nba")).toMatchObject({ label: "Live" });
    expect(statusText({ ...base, feed })).toMatchObject({ label: "Live" });
    // The whole feed's state says more than a sport's.
    expect(
      statusText(
        { ...base, feed: { status: "stale", since: 1, reason: "the odds producer is down: no heartbeat from the simulator for over 5 s" } },
        "soccer_epl",
      ),
    ).toMatchObject({
      label: "Stale",
      detail: "Prices may be out of date: the odds producer is down: no heartbeat from the simulator for over 5 s.",
    });
  });

  it("says why it is reconnecting when the relay cut the page for falling behind, or refused it at a limit", () => {
    expect(
      statusText({
        ...base,
        state: "reconnecting",
        error: "slow_consumer: too slow: over 4194304 bytes waiting",
        relayError: { code: "slow_consumer", message: "too slow: over 4194304 bytes waiting" },
      }),
    ).toEqual({
      tone: "pending",
      label: "Reconnecting…",
      detail: "This page fell behind the live prices and was disconnected; catching up.",
    });
    expect(
      statusText({
        ...base,
        state: "reconnecting",
        error: "the live server refused the connection: at most 10 connections per address; close another tab or try again shortly",
        relayError: { code: "too_many_connections", message: "at most 10 connections per address; close another tab or try again shortly" },
      }).detail,
    ).toBe("The live server is full: at most 10 connections per address; close another tab or try again shortly.");
    expect(statusText({ ...base, state: "reconnecting", error: "cannot reach the live server (xhr poll error)" }).detail).toBeNull();
  });

  it("says offline, and connecting before anything is known", () => {
    expect(statusText({ ...base, state: "offline", attempts: 5 })).toMatchObject({ tone: "bad", label: "Offline" });
    expect(statusText(null)).toEqual({ tone: "pending", label: "Connecting…", detail: null });
  });
});

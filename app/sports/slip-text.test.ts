import { describe, expect, it } from "vitest";
import { REFUSAL_CODES } from "@/lib/bets/refusal";
import { TRUST_REASONS } from "@/lib/protocol";
import { countdownText, delayNotice, refusalText } from "./slip-text";

describe("refusalText", () => {
  it("a moved price says the price now, in the bettor's format", () => {
    expect(refusalText({ code: "price_changed", message: "the price is now 2.5", price: 2.5 }, "decimal")).toMatch(/^The price moved to 2\.50,/);
    expect(refusalText({ code: "price_changed", message: "the price is now 2.5", price: 2.5 }, "american")).toMatch(/^The price moved to \+150,/);
  });

  it("a suspended market says why: suspended, during the delay, no prices", () => {
    expect(refusalText({ code: "market_suspended", message: "this market is suspended" }, "decimal")).toBe("This market is suspended right now.");
    expect(refusalText({ code: "market_suspended", message: "…", reason: "suspended_during_delay" }, "decimal")).toMatch(/suspended during the in-play delay/);
    expect(refusalText({ code: "market_suspended", message: "…", reason: "no_prices" }, "decimal")).toMatch(/No bookmaker is pricing this market/);
  });

  it("a time-out or self-exclusion says until when, and that nothing else changed", () => {
    const until = "2026-12-14T10:00:00.000Z";
    const timeOut = refusalText({ code: "timed_out", message: "server words", until }, "decimal");
    expect(timeOut).toMatch(/^You are taking a time-out from betting until .*2026.*\. Your bets and balance stay as they are\.$/);
    expect(refusalText({ code: "self_excluded", message: "server words", until }, "decimal")).toMatch(/^You have excluded yourself from betting until .*2026/);
    expect(refusalText({ code: "stake_limit", message: "this stake would pass your daily stake limit of 55.00 (5.00 left for now)" }, "decimal")).toBe(
      "This stake would pass your daily stake limit of 55.00 (5.00 left for now).",
    );
  });

  it("stale prices say why for every reason, and fall back to the server's words for one it does not know", () => {
    const texts = TRUST_REASONS.map((reason) => refusalText({ code: "prices_stale", message: "server words", reason }, "decimal"));
    expect(new Set(texts).size).toBe(TRUST_REASONS.length);
    for (const text of texts) expect(text).toMatch(/(no bet can be taken|[Bb]ets are paused)/);
    expect(refusalText({ code: "prices_stale", message: "prices are resting", reason: "tea_break" }, "decimal")).toBe("Prices are resting.");
  });

  it("says something of its own or the server's for every code, never nothing", () => {
    for (const code of REFUSAL_CODES) expect(refusalText({ code, message: "the server's words" }, "decimal")).toMatch(/^[A-Z].*[.!?]$/);
    expect(refusalText({ code: "liability_limit", message: "…", maxStake: 120.5 }, "decimal")).toBe(
      "This market can take at most 120.50 on this selection right now.",
    );
    expect(refusalText({ code: "something_new", message: "try later" }, "decimal")).toBe("Try later.");
    expect(refusalText({ code: "constructor", message: "" }, "decimal")).toBe("The bet was not taken.");
  });
});

describe("the in-play delay in words", () => {
  it("counts down in whole seconds, rounded up, to accepting", () => {
    expect(countdownText(5_000)).toBe("Accepting in 5 s…");
    expect(countdownText(4_001)).toBe("Accepting in 5 s…");
    expect(countdownText(3_200)).toBe("Accepting in 4 s…");
    expect(countdownText(1)).toBe("Accepting in 1 s…");
    expect(countdownText(0)).toBe("Accepting…");
    expect(countdownText(-50)).toBe("Accepting…");
  });

  it("says how long a bet will wait before it is placed", () => {
    expect(delayNotice(5_000)).toMatch(/^In play: your bet waits 5 s before it is accepted/);
    expect(delayNotice(2_500)).toMatch(/waits 2\.5 s/);
  });
});

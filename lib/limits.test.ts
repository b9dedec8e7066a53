import { describe, expect, it } from "vitest";
import { parseEnv } from "./env";
import { countersOf, limitsOf, refusalMessage, signInLimitsOf } from "./limits";

const config = parseEnv({ DATABASE_URL: "postgresql://localhost/x", REDIS_URL: "redis://localhost" });

describe("limits", () => {
  it("take their defaults from the environment, each action with its windows", () => {
    const limits = limitsOf(config);
    expect(limits.signup).toEqual({ perAddress: { max: 10, windowMs: 3_600_000 } });
    expect(limits.bets).toEqual({ perAccount: { max: 30, windowMs: 60_000 }, perAddress: { max: 300, windowMs: 60_000 } });
    expect(limits.chat).toEqual({ perAccount: { max: 5, windowMs: 10_000 }, perAddress: { max: 20, windowMs: 10_000 } });
    expect(limits.replay.perAccount).toBeUndefined();
  });

  it("sign-in limits come from the environment too", () => {
    expect(signInLimitsOf(config)).toEqual({ windowMs: 900_000, perAccountAddress: 5, perAddress: 30, perAccount: 20, attemptsPerAddress: 100 });
    expect(
      signInLimitsOf(parseEnv({ DATABASE_URL: "postgresql://localhost/x", REDIS_URL: "redis://localhost", SIGNIN_MAX_ATTEMPTS_PER_ADDRESS: "7" }))
        .attemptsPerAddress,
    ).toBe(7);
  });

  it("count an IPv6 address by its /64", () => {
    const limits = limitsOf(config);
    const [first] = countersOf("signup", limits.signup, { address: "2001:db8:1:2::7" });
    const [second] = countersOf("signup", limits.signup, { address: "2001:db8:1:2:ffff::1" });
    expect(first?.subject).toBe("2001:db8:1:2::/64");
    expect(second?.subject).toBe(first?.subject);
  });

  it("count an attempt against its account and its address, or its address alone", () => {
    const limits = limitsOf(config);
    expect(countersOf("bets", limits.bets, { accountId: "u1", address: "203.0.113.7" })).toEqual([
      { rule: "bets:account", subject: "u1", max: 30, windowMs: 60_000 },
      { rule: "bets:address", subject: "203.0.113.7", max: 300, windowMs: 60_000 },
    ]);
    // Sign-up has no account yet; the replay read needs none.
    expect(countersOf("signup", limits.signup, { accountId: "u1", address: "203.0.113.7" }).map((c) => c.rule)).toEqual(["signup:address"]);
    expect(countersOf("replay", limits.replay, { address: "203.0.113.7" }).map((c) => c.rule)).toEqual(["replay:address"]);
  });

  it("are set by their variables, and refuse nonsense at start", () => {
    const limits = limitsOf(
      parseEnv({ DATABASE_URL: "postgresql://localhost/x", REDIS_URL: "redis://localhost", BET_RATE_MAX: "2", BET_RATE_WINDOW_MS: "5000" }),
    );
    expect(limits.bets.perAccount).toEqual({ max: 2, windowMs: 5_000 });
    expect(() => parseEnv({ DATABASE_URL: "postgresql://localhost/x", REDIS_URL: "redis://localhost", SIGNUP_RATE_MAX_PER_ADDRESS: "0" })).toThrow(
      /SIGNUP_RATE_MAX_PER_ADDRESS/,
    );
    expect(() => parseEnv({ DATABASE_URL: "postgresql://localhost/x", REDIS_URL: "redis://localhost", WEB_TRUST_PROXY: "maybe" })).toThrow(/WEB_TRUST_PROXY/);
  });

  it("say what was limited and when to try again", () => {
    expect(refusalMessage("signup", 42)).toBe("too many sign-ups in a short time; try again in 42 s");
  });
});

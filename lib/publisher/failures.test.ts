import { describe, expect, it } from "vitest";
import { FailureStreak, failureReason } from "./failures";

describe("FailureStreak", () => {
  it("logs the start of a streak, a new reason, and repeats only every quiet period", () => {
    const streak = new FailureStreak();
    expect(streak.fail("Postgres is unreachable", 1_000)).toBe(true);
    expect(streak.fail("Postgres is unreachable", 1_500)).toBe(false);
    expect(streak.fail("Postgres is unreachable", 30_999)).toBe(false);
    expect(streak.fail("Postgres is unreachable", 31_000)).toBe(true);
    expect(streak.fail("Redis is unreachable", 31_100)).toBe(true);
    expect(streak).toMatchObject({ count: 5, since: 1_000, reason: "Redis is unreachable" });
    expect(streak.succeed(41_000)).toEqual({ failures: 5, ms: 40_000 });
    expect(streak).toMatchObject({ count: 0, since: null, reason: null });
    expect(streak.succeed(42_000)).toBeNull();
    expect(streak.fail("Postgres is unreachable", 50_000)).toBe(true);
  });
});

describe("failureReason", () => {
  it("names the service without hosts or SQL, and hides what it does not know", () => {
    expect(failureReason(new Error("Can't reach database server at `10.0.0.5:5432`"))).toBe("Postgres is unreachable");
    expect(failureReason(new Error("wrapped", { cause: Object.assign(new Error("connect ECONNREFUSED 10.0.0.5:5432"), { code: "ECONNREFUSED" }) }))).toBe("Postgres is unreachable");
    expect(failureReason(Object.assign(new Error("Reached the max retries per request limit (which is 1)."), { name: "MaxRetriesPerRequestError" }))).toBe("Redis is unreachable");
    expect(failureReason(new Error("Transaction API error: Transaction already closed"))).toBe("a Postgres transaction timed out");
    expect(failureReason(new Error('relation "secret_table" does not exist'))).toBe("a tick failed with an unexpected error (see the publisher's log)");
  });
});

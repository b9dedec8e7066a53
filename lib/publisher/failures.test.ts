import { describe, expect, it } from "vitest";
import { FailureStreak, failureReason } from "./failures";

describe("FailureStreak", () => {
  it("logs the start of a streak, each new reason once, and repeats only every quiet period", () => {
    const streak = new FailureStreak();
    expect(streak.fail("Postgres is unreachable", 1_000)).toBe(true);
    expect(streak.fail("Postgres is unreachable", 1_500)).toBe(false);
    expect(streak.fail("Redis is unreachable", 1_600)).toBe(true);
    expect(streak.fail("Postgres is unreachable", 1_700)).toBe(false); // alternating: already said
    expect(streak.fail("Redis is unreachable", 1_800)).toBe(false);
    expect(streak.fail("Postgres is unreachable", 31_600)).toBe(true); // 30 s after the last line
    expect(streak).toMatchObject({ count: 6, since: 1_000, reason: "Postgres is unreachable" });
    expect(streak.succeed(41_000)).toEqual({ failures: 6, ms: 40_000 });
    expect(streak).toMatchObject({ count: 0, since: null, reason: null });
    expect(streak.succeed(42_000)).toBeNull();
    expect(streak.fail("Postgres is unreachable", 50_000)).toBe(true); // a new streak
  });
});

describe("failureReason", () => {
  const coded = (message: string, code: string, cause?: unknown) => Object.assign(new Error(message, { cause }), { code });

  it("names the service from error codes, names and kinds, without hosts or SQL", () => {
    expect(failureReason(coded("Can't reach database server at `10.0.0.5:5432`", "P1001"))).toBe("Postgres is unreachable");
    expect(failureReason(coded("Server has closed the connection.", "P1017"))).toBe("Postgres is unreachable");
    expect(failureReason(new Error("driver", { cause: { kind: "ConnectionClosed" } }))).toBe("Postgres is unreachable");
    expect(failureReason(new Error("wrapped", { cause: coded("connect ECONNREFUSED 10.0.0.5:5432", "ECONNREFUSED") }))).toBe("Postgres is unreachable");
    expect(failureReason(coded("terminating connection due to administrator command", "57P01"))).toBe("Postgres is unreachable");
    expect(failureReason(coded("connection failure", "08006"))).toBe("Postgres is unreachable");
    expect(failureReason(Object.assign(new Error("Reached the max retries per request limit (which is 1)."), { name: "MaxRetriesPerRequestError" }))).toBe(
      "Redis is unreachable",
    );
    expect(failureReason(new Error("Connection is closed."))).toBe("Redis is unreachable");
    expect(failureReason(coded("Transaction API error: Transaction already closed", "P2028"))).toBe("a Postgres transaction timed out");
  });

  it("hides what it does not know", () => {
    expect(failureReason(new Error('relation "secret_table" does not exist'))).toBe("a tick failed with an unexpected error (see the publisher's log)");
    expect(failureReason("a string")).toBe("a tick failed with an unexpected error (see the publisher's log)");
    expect(failureReason(null)).toBe("a tick failed with an unexpected error (see the publisher's log)");
  });
});

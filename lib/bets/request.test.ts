import { describe, expect, it } from "vitest";
import { potentialReturn } from "../protocol";
import { BetRequest, IdempotencyKey, accepts, stakeProblem } from "./request";

describe("accept rules", () => {
  it("exact takes only the price seen, better also a longer one, any whatever it is", () => {
    expect(accepts("exact", 2.1, 2.1)).toBe(true);
    expect(accepts("exact", 2.1, 2.12)).toBe(false);
    expect(accepts("better", 2.1, 2.12)).toBe(true);
    expect(accepts("better", 2.1, 2.08)).toBe(false);
    expect(accepts("any", 2.1, 1.5)).toBe(true);
  });
});

describe("stakes and requests", () => {
  it("refuses stakes outside the limits or with more than two decimals", () => {
    expect(stakeProblem(10, 1, 100)).toBeNull();
    expect(stakeProblem(0.5, 1, 100)).toBe("must be from 1 to 100");
    expect(stakeProblem(100.01, 1, 100)).toBe("must be from 1 to 100");
    expect(stakeProblem(10.005, 1, 100)).toBe("must have at most two decimals");
    expect(stakeProblem(19.99, 1, 100)).toBeNull(); // 1999.0000000000002 cents in floating point
  });

  it("names every bad field, and takes no unknown ones", () => {
    const bad = BetRequest.safeParse({ eventId: "x", market: "h2h", outcome: "home", stake: "10", price: 1, sport: "nba" });
    expect(bad.success).toBe(false);
    const paths = bad.error?.issues.map((issue) => issue.path.join(".") || "body");
    expect(paths).toEqual(expect.arrayContaining(["eventId", "stake", "price", "accept", "body"]));
    expect(IdempotencyKey.safeParse("short").success).toBe(false);
    expect(IdempotencyKey.safeParse("6f1c2d8e-1111-4a0b-9c3d-000000000000").success).toBe(true);
  });

  it("pays back stake × price rounded down to the cent", () => {
    expect(potentialReturn(10, 2.15)).toBe(21.5);
    expect(potentialReturn(19.99, 1.15)).toBe(22.98);
    expect(potentialReturn(3, 1.01)).toBe(3.03);
  });
});

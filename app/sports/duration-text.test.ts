import { describe, expect, it } from "vitest";
import { durationText } from "./duration-text";

describe("durationText", () => {
  it("says minutes under an hour, hours and minutes past it", () => {
    expect(durationText(1)).toBe("1 minute");
    expect(durationText(16)).toBe("16 minutes");
    expect(durationText(60)).toBe("1 hour");
    expect(durationText(125)).toBe("2 hours 5 minutes");
    expect(durationText(61.9)).toBe("1 hour 1 minute");
  });
});

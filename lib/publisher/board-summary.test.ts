import { describe, expect, it } from "vitest";
import { BoardSummary } from "./board-summary";

describe("BoardSummary", () => {
  it("publishes a summary only when it changed (or when forced), and again after one that failed", async () => {
    const sent: string[] = [];
    let fail = false;
    const summary = new BoardSummary(
      {
        publishSummary: async (sports, _ts, leader) => {
          if (fail) throw new Error("Redis down");
          sent.push(`${leader}:${sports.map((s) => s.events).join(",")}`);
        },
      },
      { warn: () => {} },
    );
    const counts = [{ sport: "soccer_epl", events: 3, live: 1 }];
    await summary.publish(counts, "t1", false);
    await summary.publish(counts, "t1", false);
    await summary.publish(counts, "t1", true);
    fail = true;
    await summary.publish([{ sport: "soccer_epl", events: 4, live: 1 }], "t1", false);
    fail = false;
    await summary.publish(counts, "t1", false);
    expect(sent).toEqual(["t1:3", "t1:3", "t1:3"]);
  });
});

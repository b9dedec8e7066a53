import { describe, expect, it } from "vitest";
import type { SportsSummary } from "../lib/protocol";
import { BoardSummary } from "./board-summary";

const summary = (ts: number, events: number, leader = "term-1"): SportsSummary => ({ ts, leader, sports: [{ sport: "soccer_epl", events, live: 0 }] });

describe("BoardSummary", () => {
  it("holds the newest summary, from the bus or from Redis, whichever comes first", async () => {
    const sent: SportsSummary[] = [];
    const board = new BoardSummary((s) => sent.push(s));
    expect(board.offer(summary(5, 12))).toBe(true);
    expect(board.offer(summary(4, 11))).toBe(false);
    await board.load({ get: async () => JSON.stringify({ v: 1, type: "sports:summary", ...summary(3, 10) }) }); // older copy
    await board.load({ get: async () => "{not json" });
    await board.load({
      get: async () => {
        throw new Error("Redis is down");
      },
    });
    expect(board.current()).toEqual(summary(5, 12));
    await board.load({ get: async () => JSON.stringify({ v: 1, type: "sports:summary", ...summary(6, 9) }) });
    expect(sent.map((s) => s.ts)).toEqual([5, 6]);
  });
});

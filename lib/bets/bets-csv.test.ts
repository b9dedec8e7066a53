import { describe, expect, it } from "vitest";
import type { BetView } from "../protocol";
import { CSV_COLUMNS, betsCsv, csvField } from "./bets-csv";

const bet = (over: Partial<BetView> = {}): BetView => ({
  id: "b1",
  eventId: "00000000-0000-4000-8000-000000000001",
  event: "Arsenal vs Chelsea",
  market: "h2h",
  outcome: "home",
  selection: "Arsenal",
  point: null,
  stake: 10,
  price: 2.5,
  potentialReturn: 25,
  status: "open",
  placedAt: "2026-12-07T20:00:00.000Z",
  settledAt: null,
  payout: null,
  voidReason: null,
  ...over,
});

describe("betsCsv", () => {
  it("writes a header and one CRLF line per bet, amounts to the cent, empty for what is not there", () => {
    const csv = betsCsv([bet(), bet({ id: "b2", status: "won", settledAt: "2026-12-07T22:00:00.000Z", payout: 25, point: -1.5, market: "spreads" })]);
    const lines = csv.split("\r\n");
    expect(lines[0]).toBe(CSV_COLUMNS.join(","));
    expect(lines[1]).toBe("2026-12-07T20:00:00.000Z,Arsenal vs Chelsea,h2h,Arsenal,,10.00,2.5,25.00,open,,,,b1");
    expect(lines[2]).toBe("2026-12-07T20:00:00.000Z,Arsenal vs Chelsea,spreads,Arsenal,-1.5,10.00,2.5,25.00,won,2026-12-07T22:00:00.000Z,25.00,,b2");
    expect(lines[3]).toBe("");
  });

  it("quotes commas, quotes and line breaks, and defuses what a spreadsheet would run", () => {
    expect(csvField('Team "A", United')).toBe('"Team ""A"", United"');
    expect(csvField("line\nbreak")).toBe('"line\nbreak"');
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField("+1 Club")).toBe("'+1 Club");
    expect(csvField("@home")).toBe("'@home");
    expect(csvField(-1.5)).toBe("-1.5");
    expect(csvField(null)).toBe("");
  });
});

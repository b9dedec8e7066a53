import { describe, expect, it } from "vitest";
import type { SourceReport } from "@/lib/protocol";
import { sourceMetrics } from "./source-metrics";

const report: SourceReport = {
  v: 1,
  source: "the-odds-api",
  state: "stale",
  reason: "The Odds API answers odds with server errors",
  since: 1_000,
  at: 9_000,
  lastSuccessAt: 4_000,
  usage: { remaining: 410, used: 90, last: 9, at: 4_000 },
  monthlyCredits: 500,
  breakers: { odds: "open", scores: "closed" },
  blockedUntil: 0,
  unknownSports: [],
  plan: {
    budgetPerDay: 13.2,
    reserve: 25,
    sports: [
      {
        sport: "soccer_epl",
        class: "in_play",
        inPlay: 2,
        soon: 0,
        later: 5,
        oddsIntervalMs: 600_000,
        scoresIntervalMs: 300_000,
        creditsPerDay: 9.1,
        lastOddsAt: 4_000,
        lastWrittenAt: 4_000,
        nextOddsAt: 604_000,
      },
    ],
  },
  spend: { total: 90, byDay: [{ day: "2026-11-24", credits: 90 }], bySport: [{ sport: "soccer_epl", credits: 81, calls: 9 }] },
  counts: { calls: 12, failures: 3, malformed: 1, dropped: { jump: 2 }, suspended: 6, reopened: 0 },
};

describe("sourceMetrics", () => {
  it("exposes credits, plan, spend per sport and day, breakers and freshness", async () => {
    const text = await sourceMetrics(report, 10_000).metrics();
    expect(text).toContain("odds_source_up 0");
    expect(text).toContain('odds_source_credits{kind="remaining"} 410');
    expect(text).toContain('odds_source_breaker_open{endpoint="odds"} 1');
    expect(text).toContain('odds_source_plan_interval_seconds{sport="soccer_epl",class="in_play"} 600');
    expect(text).toContain('odds_source_spent_credits_by_sport{sport="soccer_epl"} 81');
    expect(text).toContain('odds_source_spent_credits_by_day{day="2026-11-24"} 90');
    expect(text).toContain('odds_source_dropped_prices{reason="jump"} 2');
    expect(text).toContain("odds_source_last_success_age_seconds 6");
  });

  it("says only that no external source reports, when none does", async () => {
    const text = await sourceMetrics(null, 0).metrics();
    expect(text).toContain("odds_source_reporting 0");
    expect(text).not.toContain("odds_source_up");
  });
});

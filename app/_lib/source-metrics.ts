import { Gauge, Registry } from "prom-client";
import type { SourceReport } from "@/lib/protocol";

/**
 * The odds source's report as Prometheus gauges: credits, the plan and the spend per sport and per
 * day, breakers and freshness. Built per scrape from the report the poller keeps in Redis (any
 * web instance answers the same), so the feed process needs no port of its own.
 */
export function sourceMetrics(report: SourceReport | null, now: number): Registry {
  const registry = new Registry();
  const gauge = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers: [registry] });
  gauge("odds_source_reporting", "1 while an external odds source (The Odds API poller) keeps its report current").set(report ? 1 : 0);
  if (!report) return registry;
  gauge("odds_source_up", "1 while the odds source reports ok, 0 while stale or stopped").set(report.state === "ok" ? 1 : 0);
  gauge("odds_source_stopped", "1 after a 401 (bad key, no credits): polling stopped").set(report.state === "stopped" ? 1 : 0);
  if (report.lastSuccessAt !== null)
    gauge("odds_source_last_success_age_seconds", "Seconds since the last successful call").set((now - report.lastSuccessAt) / 1000);
  const credits = gauge("odds_source_credits", "Credits of the period as the provider's headers say", ["kind"]);
  credits.set({ kind: "monthly" }, report.monthlyCredits);
  if (report.usage) {
    credits.set({ kind: "remaining" }, report.usage.remaining);
    credits.set({ kind: "used" }, report.usage.used);
  }
  const breaker = gauge("odds_source_breaker_open", "1 while the endpoint's circuit breaker is open (0.5 half-open)", ["endpoint"]);
  for (const [endpoint, state] of Object.entries(report.breakers)) breaker.set({ endpoint }, state === "open" ? 1 : state === "half_open" ? 0.5 : 0);
  if (report.plan) {
    gauge("odds_source_budget_credits_per_day", "Credits per day the plan may spend").set(report.plan.budgetPerDay);
    const interval = gauge("odds_source_plan_interval_seconds", "Planned odds polling interval per sport", ["sport", "class"]);
    const planned = gauge("odds_source_plan_credits_per_day", "Credits per day the plan spends per sport", ["sport"]);
    for (const sport of report.plan.sports) {
      if (sport.oddsIntervalMs !== null) interval.set({ sport: sport.sport, class: sport.class }, sport.oddsIntervalMs / 1000);
      planned.set({ sport: sport.sport }, sport.creditsPerDay);
    }
  }
  const bySport = gauge("odds_source_spent_credits_by_sport", "Credits spent per sport since the poller started", ["sport"]);
  for (const row of report.spend.bySport) bySport.set({ sport: row.sport }, row.credits);
  const byDay = gauge("odds_source_spent_credits_by_day", "Credits spent per UTC day", ["day"]);
  for (const row of report.spend.byDay) byDay.set({ day: row.day }, row.credits);
  gauge("odds_source_calls", "Calls made since the poller started").set(report.counts.calls);
  gauge("odds_source_failures", "Failed calls since the poller started").set(report.counts.failures);
  gauge("odds_source_malformed", "Malformed answers since the poller started (nothing of them written)").set(report.counts.malformed);
  const dropped = gauge("odds_source_dropped_prices", "Prices dropped by data-quality rules since the poller started", ["reason"]);
  for (const [reason, count] of Object.entries(report.counts.dropped)) dropped.set({ reason }, count);
  gauge("odds_source_suspended_markets", "Markets suspended by the source (bet stop) since the poller started").set(report.counts.suspended);
  return registry;
}

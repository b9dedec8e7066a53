/**
 * Poll budget: how fresh in-play prices are for the credits spent, the budget planner against a
 * fixed-interval poller spending the same credits, on the same simulated fixtures in the same run.
 *
 *   npx tsx bench/poll-budget.ts [--days 7] [--seed 1]
 *
 * Fixtures: a seeded, realistic stretch (EPL weekends, NBA and NHL most nights, NFL Sunday, Monday,
 * Thursday; see lib/feed/odds-api/simulation.ts). Monthly credits are pro-rated to the days (a
 * 30-day month), 9 credits per odds call, 1 per scores call, 10 s minimum interval, a reserve of
 * two odds calls. Staleness: for every simulated minute an event is in play, the age of the
 * latest odds poll of its sport (from the start when never polled). Baseline: one odds call every
 * days × 9 / spent, round-robin over the sports with fixtures, i.e. every sport at one fixed
 * interval, staggered, spending what ours spent (it needs no scores calls: it ignores completion).
 * Everything runs on a fake clock: the numbers are simulated time, not machine time.
 */
import { SIM_SPORTS, type SimulationResult, fixedIntervalPlanner, generateFixtures, simulate } from "../lib/feed/odds-api/simulation";
import { arg, percentile, table } from "./stats";

const DAYS = arg("days", 7);
const SEED = arg("seed", 1);
const MONTHLY = [500, 20_000];
const ODDS_COST = 9;
const SCORES_COST = 1;
const RESERVE = 2 * ODDS_COST;
const DAY = 86_400_000;
const START = Date.UTC(2026, 10, 2); // a Monday in November: all four seasons running

interface Row {
  monthly: number;
  budget: number;
  ours: SimulationResult;
  baseline: SimulationResult;
}

function run(monthly: number, fixtures: ReturnType<typeof generateFixtures>): Row {
  const budget = (monthly * DAYS) / 30;
  const common = { start: START, end: START + DAYS * DAY, oddsCost: ODDS_COST, scoresCost: SCORES_COST, minIntervalMs: 10_000, fixtures };
  const ours = simulate({ ...common, credits: budget, reserve: RESERVE, sports: SIM_SPORTS });
  const sports = SIM_SPORTS.filter((sport) => fixtures.some((f) => f.sport === sport));
  const gap = (DAYS * DAY * ODDS_COST) / ours.spent;
  const baseline = simulate({
    ...common,
    credits: Number.MAX_SAFE_INTEGER,
    reserve: 0,
    sports,
    planner: fixedIntervalPlanner(gap * sports.length, sports),
    firstPollAt: Object.fromEntries(sports.map((sport, i) => [sport, START + i * gap])),
  });
  return { monthly, budget, ours, baseline };
}

const hours = (ms: number) => ms / 3_600_000;

function main(): void {
  const fixtures = generateFixtures(START, DAYS, SEED);
  const rows = MONTHLY.map((monthly) => run(monthly, fixtures));
  console.log(`poll-budget bench: ${DAYS} simulated days from ${new Date(START).toISOString().slice(0, 10)}, seed ${SEED}, ${fixtures.length} fixtures`);
  console.log(
    `odds ${ODDS_COST} credits, scores ${SCORES_COST}, min interval 10 s, reserve ${RESERVE}; staleness of in-play prices in hours, one sample per event per minute\n`,
  );
  console.log(
    table(
      ["credits/month", "budget", "policy", "spent", "odds calls", "in play", "p50 h", "p90 h", "p50 ratio", "p90 ratio"],
      rows.flatMap((r) => {
        const ours50 = percentile(r.ours.staleness, 50);
        const ours90 = percentile(r.ours.staleness, 90);
        const base50 = percentile(r.baseline.staleness, 50);
        const base90 = percentile(r.baseline.staleness, 90);
        const cells = (name: string, s: SimulationResult, p50: number, p90: number, ratios: [string, string]) => [
          r.monthly.toLocaleString("en"),
          r.budget.toFixed(0),
          name,
          s.spent,
          s.calls.reduce((sum, c) => sum + c.odds, 0),
          s.calls.reduce((sum, c) => sum + c.oddsInPlay, 0),
          hours(p50).toFixed(2),
          hours(p90).toFixed(2),
          ...ratios,
        ];
        return [
          cells("planner", r.ours, ours50, ours90, [`${(base50 / ours50).toFixed(1)}× fresher`, `${(base90 / ours90).toFixed(1)}× fresher`]),
          cells("fixed interval", r.baseline, base50, base90, ["", ""]),
        ];
      }),
    ),
  );
  console.log(`\n"in play": odds calls made while an event of that sport was in play. Ratio = baseline / planner staleness.`);
}

main();

/**
 * How a bet settles, from the final score. Pure, so every rule is tested on its own.
 *
 * - h2h: the side with more points wins; a draw wins where the market has a draw outcome and is a
 *   push (stake back) where it has none.
 * - spreads: the outcome's point is the handicap of its side: side + point against the other side;
 *   level is a push.
 * - totals: over wins above the line, under below it; on the line both push.
 */

export type Settlement = "won" | "lost" | "push";

export interface FinalScore {
  home: number;
  away: number;
}

export interface SettledOutcome {
  market: string;
  /** home, draw, away, over, under */
  outcome: string;
  point: number | null;
  /** Whether this market offers a draw (three-way h2h). */
  hasDraw: boolean;
}

/** @example settle({ market: "spreads", outcome: "home", point: -1.5, hasDraw: false }, { home: 2, away: 1 }) // "lost" */
export function settle(bet: SettledOutcome, score: FinalScore): Settlement {
  if (bet.market === "h2h") return moneyline(bet.outcome, bet.hasDraw, score);
  if (bet.market === "spreads") return handicap(bet.outcome, bet.point ?? 0, score);
  if (bet.market === "totals") return total(bet.outcome, bet.point ?? 0, score);
  return "push"; // a market we cannot settle from a score: stakes back
}

function moneyline(outcome: string, hasDraw: boolean, { home, away }: FinalScore): Settlement {
  if (home === away) return outcome === "draw" ? "won" : hasDraw ? "lost" : "push";
  const winner = home > away ? "home" : "away";
  return outcome === winner ? "won" : "lost";
}

function handicap(outcome: string, point: number, { home, away }: FinalScore): Settlement {
  const margin = outcome === "home" ? home + point - away : outcome === "away" ? away + point - home : Number.NaN;
  if (Number.isNaN(margin)) return "push";
  return margin > 0 ? "won" : margin < 0 ? "lost" : "push";
}

function total(outcome: string, point: number, { home, away }: FinalScore): Settlement {
  const goals = home + away;
  if (goals === point || (outcome !== "over" && outcome !== "under")) return "push";
  return goals > point === (outcome === "over") ? "won" : "lost";
}

import type { SettledBet } from "../../lib/bets/settlement";
import { tellAdmins, tellSettled } from "../../lib/bets/notify";
import { apiError, json } from "./http";
import { services } from "./services";

/**
 * The answer of an admin settlement route: the bets it settled (each bettor is told live, the
 * admins see what was done), or why nothing was.
 */
export async function settledAnswer(outcome: SettledBet[] | SettledBet | "not_found" | "over" | "settled", what: { kind: string; id: string; actor: string }): Promise<Response> {
  if (outcome === "not_found") return apiError(404, "not_found", `no such ${what.kind.split("_")[0]}`);
  if (outcome === "over" || outcome === "settled") return apiError(409, "invalid_request", outcome === "over" ? "the event is already over" : "the bet is already settled");
  const settled = Array.isArray(outcome) ? outcome : [outcome];
  const { redis } = services();
  await tellSettled(redis, settled);
  await tellAdmins(redis, what.kind, { id: what.id, by: what.actor, bets: settled.length });
  return json({ settled: settled.map((s) => s.bet) });
}

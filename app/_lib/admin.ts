import { tellAdmins } from "../../lib/admin-events";
import { tellSettled } from "../../lib/bets/notify";
import type { SettledBet } from "../../lib/bets/settlement";
import { apiError, json, unavailable, unknownId } from "./http";
import { services } from "./services";
import { type Admin, requireAdmin } from "./session";

/** What an admin route acts on, as its 404 names it. */
type Noun = "bet" | "event" | "market";

/**
 * An admin action on the record a path names: the caller must be an admin (`requireAdmin`), the
 * id must be a UUID (else 404 naming the record), and a Postgres failure answers 503. `act` gets
 * the admin (how they proved it, and who they are).
 */
export async function adminAction(request: Request, id: string, noun: Noun, act: (admin: Admin) => Promise<Response>): Promise<Response> {
  const admin = await requireAdmin(request);
  if ("response" in admin) return admin.response;
  const unknown = unknownId(id, noun);
  if (unknown) return unknown;
  try {
    return await act(admin);
  } catch (error) {
    return unavailable(error, "Postgres");
  }
}

/**
 * The answer of an admin settlement route: the bets it settled (each bettor is told live, the
 * admins see what was done), or why nothing was.
 */
export async function settledAnswer(outcome: SettledBet[] | SettledBet | "not_found" | "over" | "settled", what: { noun: Noun; kind: "event_settled" | "event_voided" | "bet_voided"; id: string; by: string }): Promise<Response> {
  if (outcome === "not_found") return apiError(404, "not_found", `no such ${what.noun}`);
  if (outcome === "over" || outcome === "settled") return apiError(409, "invalid_request", outcome === "over" ? "the event is already over" : "the bet is already settled");
  const settled = Array.isArray(outcome) ? outcome : [outcome];
  const { redis } = services();
  await tellSettled(redis, settled);
  await tellAdmins(redis, what.kind, { id: what.id, by: what.by, bets: settled.length });
  return json({ settled: settled.map((s) => s.bet) });
}

import { tellAdmins } from "@/lib/admin-events";
import type { AuditActor } from "@/lib/audit";
import { tellSettled } from "@/lib/bets/notify";
import type { AdminSettlement } from "@/lib/bets/settlement";
import type { ReopenRefusal, StatusChange, StatusRefusal } from "@/lib/board-status";
import type { BoardStatusAnswer } from "@/lib/protocol/admin";
import { apiError, json, unavailable, unknownId } from "./http";
import { services } from "./services";
import { type Admin, requireAdmin } from "./session";

/** What an admin route acts on, as its 404 names it. */
type Noun = "account" | "bet" | "event" | "market";

/**
 * An admin action on the record a path names: the caller must be an admin (`requireAdmin`), the
 * id must be a UUID (else 404 naming the record), and a Postgres failure answers 503 (`detail`
 * replacing "try again shortly"). `act` gets the admin (how they proved it, and who they are).
 */
export async function adminAction(request: Request, id: string, noun: Noun, act: (admin: Admin) => Promise<Response>, detail?: string): Promise<Response> {
  const admin = await requireAdmin(request);
  if ("response" in admin) return admin.response;
  const unknown = unknownId(id, noun);
  if (unknown) return unknown;
  try {
    return await act(admin);
  } catch (error) {
    return unavailable(error, "Postgres", detail);
  }
}

/** The admin as the audit log names them: their account (id and email), or the admin token. */
export function auditActor(admin: Admin): AuditActor {
  return { id: admin.accountId, label: admin.by };
}

/**
 * The answer of an admin settlement route: the bets it settled (each bettor is told live, the
 * admins see what was done, with the audit entry's id), or why nothing was.
 */
export async function settledAnswer(
  outcome: AdminSettlement | "not_found" | "over" | "settled",
  what: { noun: Noun; kind: "event_settled" | "event_voided" | "bet_voided"; id: string; by: string },
): Promise<Response> {
  if (outcome === "not_found") return apiError(404, "not_found", `no such ${what.noun}`);
  if (outcome === "over" || outcome === "settled")
    return apiError(409, "invalid_request", outcome === "over" ? "the event is already over" : "the bet is already settled");
  const { redis } = services();
  await tellSettled(redis, outcome.settled);
  // An event's settlement says how many accounts' bets it settled, as its audit entry does; a bet's void is that one bet.
  if (what.kind === "bet_voided") await tellAdmins(redis, what.kind, { id: what.id, by: what.by }, outcome.auditId);
  else await tellAdmins(redis, what.kind, { id: what.id, by: what.by, bets: outcome.settled.length }, outcome.auditId);
  return json({ settled: outcome.settled.map((s) => s.bet) });
}

/**
 * The answer of an admin status route (`{ id, status, changed, auditId? }`): the admins are told
 * of a change (with its audit entry's id) once it is committed; a request that changed nothing
 * says so and tells nobody. 404 for no such record, 409 for one no longer on the board, and 409
 * `prices_stale` for a reopen the feed's bet stop would undo at once.
 */
export async function statusAnswer(
  outcome: StatusChange | StatusRefusal | ReopenRefusal,
  what: { noun: "event" | "market"; kind: "event_status" | "market_status"; id: string; by: string },
): Promise<Response> {
  if (outcome === "not_found") return apiError(404, "not_found", `no such ${what.noun}`);
  if (outcome === "not_on_board")
    return apiError(
      409,
      "invalid_request",
      what.noun === "event" ? "the event is over" : "the market is not on the board (closed, settled, or its event is over)",
    );
  if ("reason" in outcome) return reopenRefused(outcome);
  if (!outcome.changed) return json({ id: what.id, status: outcome.status, changed: false } satisfies BoardStatusAnswer);
  await tellAdmins(services().redis, what.kind, { id: what.id, status: outcome.status, by: what.by }, outcome.auditId);
  return json({ id: what.id, status: outcome.status, changed: true, auditId: outcome.auditId } satisfies BoardStatusAnswer);
}

/**
 * 409 `prices_stale` (`reason`: producer_down or sport_stale) for a reopen of an in-play market
 * whose prices no producer vouches for: the publisher's bet stop would suspend it again within a
 * second. A market the feed stopped reopens by itself once fresh prices arrive.
 */
function reopenRefused(refusal: ReopenRefusal): Response {
  const when = refusal.byFeed ? "it reopens by itself when fresh prices arrive" : "reopen it once fresh prices arrive";
  return apiError(
    409,
    "prices_stale",
    `no odds producer vouches for ${refusal.sport}'s prices right now (${refusal.why}); ${when}`,
    {},
    { reason: refusal.reason },
  );
}

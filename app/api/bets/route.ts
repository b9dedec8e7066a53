import { balanceOf } from "@/lib/accounts/ledger";
import { tellAdmins } from "@/lib/admin-events";
import { tellBettor } from "@/lib/bets/notify";
import { placeBet } from "@/lib/bets/placement";
import { BetRequest, IdempotencyKey, stakeProblem } from "@/lib/bets/request";
import { listBets } from "@/lib/bets/views";
import { env } from "@/lib/env";
import { apiError, json, readFields, unavailable } from "../../_lib/http";
import { limit } from "../../_lib/limits";
import { services } from "../../_lib/services";
import { requireUser } from "../../_lib/session";

export const dynamic = "force-dynamic";

/**
 * POST /api/bets `{ eventId, market, outcome, stake, price, accept }` with an `Idempotency-Key`:
 * 201 `{ bet, balance, balanceEntry, delayedMs }` at the live price when `accept` allows it, else
 * 409 `price_changed` with the price now (docs/bets.md lists every answer). A bet on an event in
 * play is answered after its sport's in-play delay. The same key always gets the same answer.
 */
export async function POST(request: Request): Promise<Response> {
  const signedIn = await requireUser(request);
  if ("response" in signedIn) return signedIn.response;
  const limited = await limit(request, "bets", signedIn.user.id);
  if (limited) return limited;
  const key = IdempotencyKey.safeParse(request.headers.get("idempotency-key"));
  if (!key.success) return apiError(400, "idempotency_key_required", `send an Idempotency-Key header: ${key.error.issues[0]?.message ?? "one per bet"}`);
  const body = await readFields(request, BetRequest, 2_048);
  if (!body.ok) return body.response;
  const config = env();
  const { stake } = body.value;
  const problem = stakeProblem(stake, config.BET_MIN_STAKE, config.BET_MAX_STAKE);
  if (problem) return apiError(422, "invalid_stake", `stake: ${problem}`, {}, { fields: { stake: problem } });
  const { db, redis, betRules } = services();
  try {
    const placement = await placeBet({ db, redis }, signedIn.user.id, body.value, key.data, betRules);
    if (placement.placed) {
      await tellBettor(redis, signedIn.user.id, "bet_accepted", placement.placed.bet, placement.placed.balance);
      if (stake >= config.LARGE_BET_ALERT) await tellAdmins(redis, "large_bet", { userId: signedIn.user.id, bet: placement.placed.bet });
    }
    if (placement.suspended)
      await tellAdmins(redis, "liability_limit", {
        ...placement.suspended,
        eventId: body.value.eventId,
        market: body.value.market,
        outcome: body.value.outcome,
      });
    return json(placement.decision.body, placement.decision.status, placement.fresh ? {} : { "idempotent-replayed": "true" });
  } catch (error) {
    return unavailable(error, "Postgres", "no bet was placed; try again shortly");
  }
}

/** GET /api/bets → `{ bets, balance, balanceEntry }`: the signed-in bettor's bets, newest first. */
export async function GET(): Promise<Response> {
  const signedIn = await requireUser();
  if ("response" in signedIn) return signedIn.response;
  try {
    const { db } = services();
    const [bets, balance] = await Promise.all([listBets(db, signedIn.user.id), balanceOf(db, signedIn.user.id)]);
    return json({ bets, balance: balance.balance, balanceEntry: balance.entry });
  } catch (error) {
    return unavailable(error, "Postgres");
  }
}

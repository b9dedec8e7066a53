import { LimitChange } from "@/lib/accounts/bettor-limits";
import { changeLimits, readLimits } from "@/lib/accounts/limits-store";
import { json, readFields, unavailable } from "../../../_lib/http";
import { limit } from "../../../_lib/limits";
import { services } from "../../../_lib/services";
import { requireUser } from "../../../_lib/session";

export const dynamic = "force-dynamic";

/**
 * GET /api/account/limits → `LimitsView`: the signed-in bettor's stake limits (in force, a raise
 * waiting, staked so far in each window), time-out or self-exclusion, reality check, and this
 * session's start and money (docs/limits.md).
 */
export async function GET(): Promise<Response> {
  const signedIn = await requireUser();
  if ("response" in signedIn) return signedIn.response;
  try {
    return json(await readLimits(services().db, signedIn.user.id, signedIn.user.sessionId, new Date()));
  } catch (error) {
    return unavailable(error, "Postgres");
  }
}

/**
 * POST /api/account/limits with one change → 200 `LimitsView` as it now stands:
 *   `{ kind: "stake", period: "day" | "week" | "month", amount: number | null }`: lower at once,
 *     higher or none (null) 24 hours later;
 *   `{ kind: "time_out", days: 1–42 }` and `{ kind: "self_exclusion", months: 6 | 12 | 24 | 60 }`:
 *     no bets until then; only ever lengthened (a shorter request changes nothing);
 *   `{ kind: "reality_check", minutes: 15 | 30 | 60 | 90 | 120 | null }`.
 * 422 `invalid_input` naming the field; every change that changes something is in the audit log.
 */
export async function POST(request: Request): Promise<Response> {
  const signedIn = await requireUser(request);
  if ("response" in signedIn) return signedIn.response;
  const limited = await limit(request, "limits", signedIn.user.id);
  if (limited) return limited;
  const body = await readFields(request, LimitChange, 1_024);
  if (!body.ok) return body.response;
  const { db } = services();
  try {
    const now = new Date();
    await changeLimits(db, signedIn.user, body.value, now);
    return json(await readLimits(db, signedIn.user.id, signedIn.user.sessionId, now));
  } catch (error) {
    return unavailable(error, "Postgres", "your limits were not changed; try again shortly");
  }
}

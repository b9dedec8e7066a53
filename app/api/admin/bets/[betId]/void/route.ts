import { z } from "zod";
import { voidBet } from "../../../../../../lib/bets/settlement";
import { apiError, unavailable } from "../../../../../_lib/http";
import { services } from "../../../../../_lib/services";
import { requireAdmin } from "../../../../../_lib/session";
import { settledAnswer } from "../../../../../_lib/settlement";

export const dynamic = "force-dynamic";

/** POST /api/admin/bets/{betId}/void (admin): voids an open bet and refunds its stake. */
export async function POST(request: Request, { params }: { params: Promise<{ betId: string }> }): Promise<Response> {
  const admin = await requireAdmin(request);
  if ("response" in admin) return admin.response;
  const { betId } = await params;
  if (!z.guid().safeParse(betId).success) return apiError(404, "not_found", "no such bet");
  try {
    return await settledAnswer(await voidBet(services().db, betId), { kind: "bet_voided", id: betId, actor: admin.actor });
  } catch (error) {
    return unavailable(error, "Postgres");
  }
}

import { z } from "zod";
import { setResult } from "../../../../../../lib/bets/settlement";
import { apiError, readFields, unavailable } from "../../../../../_lib/http";
import { services } from "../../../../../_lib/services";
import { requireAdmin } from "../../../../../_lib/session";
import { settledAnswer } from "../../../../../_lib/settlement";

export const dynamic = "force-dynamic";

const Score = z.strictObject({ home: z.number().int().min(0).max(1_000), away: z.number().int().min(0).max(1_000) });

/** POST /api/admin/events/{eventId}/result `{ home, away }` (admin): ends the event with this final score and settles its bets. */
export async function POST(request: Request, { params }: { params: Promise<{ eventId: string }> }): Promise<Response> {
  const admin = await requireAdmin(request);
  if ("response" in admin) return admin.response;
  const { eventId } = await params;
  if (!z.guid().safeParse(eventId).success) return apiError(404, "not_found", "no such event");
  const score = await readFields(request, Score, 1_024);
  if (!score.ok) return score.response;
  try {
    return await settledAnswer(await setResult(services().db, eventId, score.value), { kind: "event_settled", id: eventId, actor: admin.actor });
  } catch (error) {
    return unavailable(error, "Postgres");
  }
}

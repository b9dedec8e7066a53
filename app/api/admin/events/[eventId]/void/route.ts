import { z } from "zod";
import { voidEvent } from "../../../../../../lib/bets/settlement";
import { apiError, unavailable } from "../../../../../_lib/http";
import { services } from "../../../../../_lib/services";
import { requireAdmin } from "../../../../../_lib/session";
import { settledAnswer } from "../../../../../_lib/settlement";

export const dynamic = "force-dynamic";

/** POST /api/admin/events/{eventId}/void (admin): cancels the event; every open bet is refunded. */
export async function POST(request: Request, { params }: { params: Promise<{ eventId: string }> }): Promise<Response> {
  const admin = await requireAdmin(request);
  if ("response" in admin) return admin.response;
  const { eventId } = await params;
  if (!z.guid().safeParse(eventId).success) return apiError(404, "not_found", "no such event");
  try {
    return await settledAnswer(await voidEvent(services().db, eventId), { kind: "event_voided", id: eventId, actor: admin.actor });
  } catch (error) {
    return unavailable(error, "Postgres");
  }
}

import { voidEvent } from "@/lib/bets/settlement";
import { adminAction, auditActor, settledAnswer } from "@/app/_lib/admin";
import { services } from "@/app/_lib/services";

export const dynamic = "force-dynamic";

/** POST /api/admin/events/{eventId}/void (admin): cancels the event; every open bet is refunded. Audited (`event.void`). */
export async function POST(request: Request, { params }: { params: Promise<{ eventId: string }> }): Promise<Response> {
  const { eventId } = await params;
  return adminAction(request, eventId, "event", async (admin) =>
    settledAnswer(await voidEvent(services().db, eventId, auditActor(admin)), { noun: "event", kind: "event_voided", id: eventId, by: admin.by }),
  );
}

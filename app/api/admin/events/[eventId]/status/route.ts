import { setEventStatus } from "@/lib/board-status";
import { BoardStatusRequest } from "@/lib/protocol/admin";
import { adminAction, auditActor, statusAnswer } from "@/app/_lib/admin";
import { readFields } from "@/app/_lib/http";
import { services } from "@/app/_lib/services";

export const dynamic = "force-dynamic";

/**
 * POST /api/admin/events/{eventId}/status `{ status: "open" | "suspended" }` (admin) →
 * `{ id, status, changed }`: suspends an event on the board (none of its markets takes a bet) or
 * reopens it. 409 for an event that is over. Audited (`event.status`) when it changed something.
 */
export async function POST(request: Request, { params }: { params: Promise<{ eventId: string }> }): Promise<Response> {
  const { eventId } = await params;
  return adminAction(request, eventId, "event", async (admin) => {
    const body = await readFields(request, BoardStatusRequest, 1_024);
    if (!body.ok) return body.response;
    const outcome = await setEventStatus(services().db, eventId, body.value.status, auditActor(admin));
    return statusAnswer(outcome, { noun: "event", kind: "event_status", id: eventId, by: admin.by });
  });
}

import { publishDeleted } from "../../../../../../lib/chat/publish";
import { deleteMessage } from "../../../../../../lib/chat/store";
import { apiError, json, unavailable, unknownId } from "../../../../../_lib/http";
import { services } from "../../../../../_lib/services";
import { requireAdmin } from "../../../../../_lib/session";

export const dynamic = "force-dynamic";

/**
 * DELETE /api/events/{eventId}/chat/{messageId} (admin: session or ADMIN_TOKEN) → 200
 * `{ deleted: { id, eventId, ts } }`. Soft: the row keeps who deleted it and when. Every open
 * page drops it (`chat:delete`), the admins hear `chat_deleted`. 404 for no such message in that
 * event, or one deleted already.
 */
export async function DELETE(request: Request, { params }: { params: Promise<{ eventId: string; messageId: string }> }): Promise<Response> {
  const admin = await requireAdmin(request);
  if ("response" in admin) return admin.response;
  const { eventId, messageId } = await params;
  const unknown = unknownId(eventId, "event") ?? unknownId(messageId, "message");
  if (unknown) return unknown;
  const { db, redis } = services();
  try {
    const message = await deleteMessage(db, { eventId, messageId, by: admin.by });
    if (message === "not_found") return apiError(404, "not_found", "no such message");
    return json({ deleted: await publishDeleted(redis, message, admin.by) });
  } catch (error) {
    return unavailable(error, "Postgres");
  }
}

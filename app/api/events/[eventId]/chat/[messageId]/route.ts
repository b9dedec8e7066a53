import { publishDeleted } from "@/lib/chat/publish";
import { deleteMessage } from "@/lib/chat/store";
import { auditActor } from "@/app/_lib/admin";
import { apiError, json, unavailable, unknownId } from "@/app/_lib/http";
import { services } from "@/app/_lib/services";
import { requireAdmin } from "@/app/_lib/session";

export const dynamic = "force-dynamic";

/**
 * DELETE /api/events/{eventId}/chat/{messageId} (admin: session or ADMIN_TOKEN) → 200
 * `{ deleted: { id, eventId, ts } }`. Soft: the row keeps who deleted it and when. Every open
 * page drops it (`chat:delete`), the admins hear `chat_deleted`. Audited (`chat.delete`). 404 for
 * no such message in that event, or one deleted already.
 */
export async function DELETE(request: Request, { params }: { params: Promise<{ eventId: string; messageId: string }> }): Promise<Response> {
  const admin = await requireAdmin(request);
  if ("response" in admin) return admin.response;
  const { eventId, messageId } = await params;
  const unknown = unknownId(eventId, "event") ?? unknownId(messageId, "message");
  if (unknown) return unknown;
  const { db, redis } = services();
  try {
    const deleted = await deleteMessage(db, { eventId, messageId, actor: auditActor(admin) });
    if (deleted === "not_found") return apiError(404, "not_found", "no such message");
    return json({ deleted: await publishDeleted(redis, deleted.message, admin.by, deleted.auditId) });
  } catch (error) {
    return unavailable(error, "Postgres");
  }
}

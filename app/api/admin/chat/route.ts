import { z } from "zod";
import { recentAcrossEvents } from "@/lib/chat/store";
import { apiError, json, unavailable } from "@/app/_lib/http";
import { services } from "@/app/_lib/services";
import { requireAdmin } from "@/app/_lib/session";

export const dynamic = "force-dynamic";

const Limit = z.coerce.number().int().min(1).max(200).default(50);

/**
 * GET /api/admin/chat?limit=50 (admin; 1–200) → `{ messages }`: the most recent messages that are
 * not deleted, across every event, newest first, each with `eventTitle`. For moderation.
 */
export async function GET(request: Request): Promise<Response> {
  const admin = await requireAdmin(request);
  if ("response" in admin) return admin.response;
  const limit = Limit.safeParse(new URL(request.url).searchParams.get("limit") ?? undefined);
  if (!limit.success) return apiError(400, "invalid_request", "limit must be a whole number from 1 to 200");
  try {
    return json({ messages: await recentAcrossEvents(services().db, limit.data) });
  } catch (error) {
    return unavailable(error, "Postgres");
  }
}

import type { AdminBoard } from "@/lib/protocol/admin-board";
import { readBoard } from "@/app/_lib/admin-board";
import { json, unavailable } from "@/app/_lib/http";
import { services } from "@/app/_lib/services";
import { requireAdmin } from "@/app/_lib/session";

export const dynamic = "force-dynamic";

/**
 * GET /api/admin/board (admin) → `{ events }`: the events on the board, soonest first (at most
 * 300), with their markets on the board, each status with the newest audit entry about it. The
 * console reads it again when an odds producer's bet stop may have changed statuses no admin
 * event tells of. 503 while Postgres is unreachable.
 */
export async function GET(request: Request): Promise<Response> {
  const admin = await requireAdmin(request);
  if ("response" in admin) return admin.response;
  try {
    return json({ events: await readBoard(services().db) } satisfies AdminBoard);
  } catch (error) {
    return unavailable(error, "Postgres");
  }
}

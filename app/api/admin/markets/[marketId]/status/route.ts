import { z } from "zod";
import { tellAdmins } from "../../../../../../lib/admin-events";
import { adminAction } from "../../../../../_lib/admin";
import { apiError, json, readFields } from "../../../../../_lib/http";
import { services } from "../../../../../_lib/services";

export const dynamic = "force-dynamic";

const Status = z.strictObject({ status: z.enum(["open", "suspended"]) });

/**
 * POST /api/admin/markets/{marketId}/status `{ status: "open" | "suspended" }` (admin): suspends a
 * market, or reopens one (after its liability limit suspended it, say). Only markets of events
 * still on the board; the change reaches the board like any other.
 */
export async function POST(request: Request, { params }: { params: Promise<{ marketId: string }> }): Promise<Response> {
  const { marketId } = await params;
  return adminAction(request, marketId, "market", async ({ by }) => {
    const body = await readFields(request, Status, 1_024);
    if (!body.ok) return body.response;
    const { db, redis } = services();
    const status = body.value.status === "open" ? "OPEN" : "SUSPENDED";
    const changed = await db.market.updateMany({ where: { id: marketId, status: { in: ["OPEN", "SUSPENDED"] }, event: { status: { in: ["ACTIVE", "SUSPENDED"] } } }, data: { status } });
    if (changed.count === 0) return apiError(404, "not_found", "no such market taking bets");
    await tellAdmins(redis, "market_status", { id: marketId, status: body.value.status, by });
    return json({ id: marketId, status: body.value.status });
  });
}

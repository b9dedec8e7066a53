import { setMarketStatus } from "../../../../../../lib/board-status";
import { BoardStatusRequest } from "../../../../../../lib/protocol/admin";
import { adminAction, auditActor, statusAnswer } from "../../../../../_lib/admin";
import { readFields } from "../../../../../_lib/http";
import { services } from "../../../../../_lib/services";

export const dynamic = "force-dynamic";

/**
 * POST /api/admin/markets/{marketId}/status `{ status: "open" | "suspended" }` (admin) →
 * `{ id, status, changed }`: suspends a market, or reopens one (after its liability limit or the
 * feed suspended it, say); from then on no odds producer reopens it. Only markets of events still
 * on the board (409 otherwise); the change reaches the board like any other. Audited
 * (`market.status`) when it changed something.
 */
export async function POST(request: Request, { params }: { params: Promise<{ marketId: string }> }): Promise<Response> {
  const { marketId } = await params;
  return adminAction(request, marketId, "market", async (admin) => {
    const body = await readFields(request, BoardStatusRequest, 1_024);
    if (!body.ok) return body.response;
    const outcome = await setMarketStatus(services().db, marketId, body.value.status, auditActor(admin));
    return statusAnswer(outcome, { noun: "market", kind: "market_status", id: marketId, by: admin.by });
  });
}

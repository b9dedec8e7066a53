import { setMarketStatus } from "@/lib/board-status";
import { BoardStatusRequest } from "@/lib/protocol/admin";
import { readTrust } from "@/lib/protocol/trust";
import { adminAction, auditActor, statusAnswer } from "@/app/_lib/admin";
import { readFields } from "@/app/_lib/http";
import { services } from "@/app/_lib/services";

export const dynamic = "force-dynamic";

/**
 * POST /api/admin/markets/{marketId}/status `{ status: "open" | "suspended" }` (admin) →
 * `{ id, status, changed }`: suspends a market, or reopens one (after its liability limit or the
 * feed suspended it, say); from then on no odds producer reopens it. Only markets of events still
 * on the board (409 otherwise); the change reaches the board like any other. A reopen of an
 * in-play market is refused (409 `prices_stale`) while the publisher's trust record says no
 * producer vouches for its sport, as its bet stop would suspend it again at once. Audited
 * (`market.status`) when it changed something.
 */
export async function POST(request: Request, { params }: { params: Promise<{ marketId: string }> }): Promise<Response> {
  const { marketId } = await params;
  return adminAction(request, marketId, "market", async (admin) => {
    const body = await readFields(request, BoardStatusRequest, 1_024);
    if (!body.ok) return body.response;
    const { db, redis } = services();
    // Read before the change, so it holds no lock meanwhile; the publisher rewrites it every second anyway.
    const trust = body.value.status === "open" ? await readTrust(redis) : null;
    const outcome = await setMarketStatus(db, marketId, body.value.status, auditActor(admin), trust);
    return statusAnswer(outcome, { noun: "market", kind: "market_status", id: marketId, by: admin.by });
  });
}

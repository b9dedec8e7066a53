import { voidBet } from "@/lib/bets/settlement";
import { adminAction, auditActor, settledAnswer } from "@/app/_lib/admin";
import { services } from "@/app/_lib/services";

export const dynamic = "force-dynamic";

/** POST /api/admin/bets/{betId}/void (admin): voids an open bet and refunds its stake. Audited (`bet.void`). */
export async function POST(request: Request, { params }: { params: Promise<{ betId: string }> }): Promise<Response> {
  const { betId } = await params;
  return adminAction(request, betId, "bet", async (admin) =>
    settledAnswer(await voidBet(services().db, betId, auditActor(admin)), { noun: "bet", kind: "bet_voided", id: betId, by: admin.by }),
  );
}

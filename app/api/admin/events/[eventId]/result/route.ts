import { z } from "zod";
import { setResult } from "@/lib/bets/settlement";
import { adminAction, auditActor, settledAnswer } from "@/app/_lib/admin";
import { readFields } from "@/app/_lib/http";
import { services } from "@/app/_lib/services";

export const dynamic = "force-dynamic";

const Score = z.strictObject({ home: z.number().int().min(0).max(1_000), away: z.number().int().min(0).max(1_000) });

/** POST /api/admin/events/{eventId}/result `{ home, away }` (admin): ends the event with this final score and settles its bets, with an audit entry (`event.settle`). */
export async function POST(request: Request, { params }: { params: Promise<{ eventId: string }> }): Promise<Response> {
  const { eventId } = await params;
  return adminAction(request, eventId, "event", async (admin) => {
    const score = await readFields(request, Score, 1_024);
    if (!score.ok) return score.response;
    return settledAnswer(await setResult(services().db, eventId, score.value, auditActor(admin)), {
      noun: "event",
      kind: "event_settled",
      id: eventId,
      by: admin.by,
    });
  });
}

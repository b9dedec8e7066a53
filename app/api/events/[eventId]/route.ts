import type { EventDetailAnswer } from "@/lib/protocol";
import { apiError, json, unavailable } from "@/app/_lib/http";
import { readEventDetail } from "@/app/_lib/event-detail";
import { services } from "@/app/_lib/services";

export const dynamic = "force-dynamic";

/**
 * GET /api/events/{eventId} → `EventDetailAnswer` `{ eventId, books, history }`: every bookmaker's
 * price of the event and our price history over the last hour (docs/http.md). The event page reads it again after a reconnect,
 * since `event:books` messages sent meanwhile were missed. The prices we offer come from the board
 * (the relay, or /api/sports/snapshot). Read from Redis (the publisher's stored books and price
 * history); Postgres only for books Redis does not hold (app/_lib/event-detail.ts).
 */
export async function GET(_request: Request, { params }: { params: Promise<{ eventId: string }> }): Promise<Response> {
  const { eventId } = await params;
  const { db, redis } = services();
  try {
    const detail = await readEventDetail(db, redis, eventId);
    if (!detail) return apiError(404, "not_found", "no such event");
    return json({ eventId, ...detail } satisfies EventDetailAnswer);
  } catch (error) {
    return unavailable(error, "Redis");
  }
}

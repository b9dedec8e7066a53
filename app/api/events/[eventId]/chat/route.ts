import { postMessage } from "@/lib/chat/posting";
import { recentMessages } from "@/lib/chat/store";
import { ChatPost } from "@/lib/chat/text";
import { apiError, clientAddress, json, readFields, unavailable, unknownId } from "@/app/_lib/http";
import { rateLimited } from "@/app/_lib/limits";
import { services } from "@/app/_lib/services";
import { requireUser } from "@/app/_lib/session";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ eventId: string }> };

/** GET /api/events/{eventId}/chat → `{ messages }`: the last 50 not deleted, oldest first. 404 for an unknown event. */
export async function GET(_request: Request, { params }: Params): Promise<Response> {
  const { eventId } = await params;
  const unknown = unknownId(eventId, "event");
  if (unknown) return unknown;
  try {
    const messages = await recentMessages(services().db, eventId);
    return messages ? json({ messages }) : apiError(404, "not_found", "no such event");
  } catch (error) {
    return unavailable(error, "Postgres");
  }
}

/**
 * POST /api/events/{eventId}/chat `{ text }` (signed in) → 201 with the stored message
 * `{ id, eventId, user: { id, name }, text, ts }`, also sent live to `chat:<eventId>`. 401 signed
 * out, 422 `text` empty or over 500 characters once trimmed, 404 unknown event, 429 with
 * Retry-After (s) over the rate limit, 503 when Redis or Postgres is out of reach (nothing stored).
 */
export async function POST(request: Request, { params }: Params): Promise<Response> {
  const signedIn = await requireUser(request);
  if ("response" in signedIn) return signedIn.response;
  const { eventId } = await params;
  const body = await readFields(request, ChatPost, 4_096);
  if (!body.ok) return body.response;
  const unknown = unknownId(eventId, "event");
  if (unknown) return unknown;
  const { db, redis, limiter, limits } = services();
  try {
    const posted = await postMessage(
      { db, redis, limiter, limits: limits.chat },
      { eventId, userId: signedIn.user.id, text: body.value.text, address: clientAddress(request) },
    );
    if (posted.ok) return json(posted.message, 201);
    if (posted.reason === "no_event") return apiError(404, "not_found", "no such event");
    return rateLimited("chat", posted.retryAfterMs);
  } catch (error) {
    return unavailable(error, "Redis", "the message was not sent; try again shortly");
  }
}

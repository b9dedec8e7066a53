import { z } from "zod";
import { ChatMessage } from "../protocol";

/**
 * The page's calls to the chat routes (same origin: the session cookie goes along). Answers are
 * checked before use; a refusal comes back with the route's own message, and for 429 the wait
 * the Retry-After header gave.
 */

export type ChatAnswer<T> = { ok: true; value: T } | { ok: false; status: number; message: string; retryAfterSec?: number };

const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
const History = z.object({ messages: z.array(ChatMessage) });
const Deleted = z.object({ deleted: z.object({ id: z.string(), eventId: z.string(), ts: z.number() }) });
export const ModeratedMessage = ChatMessage.extend({ eventTitle: z.string() });
export type ModeratedMessage = z.infer<typeof ModeratedMessage>;
const Moderation = z.object({ messages: z.array(ModeratedMessage) });

const chatPath = (eventId: string) => `/api/events/${encodeURIComponent(eventId)}/chat`;

export const fetchChat = (eventId: string) => call(chatPath(eventId), History);

export const postChat = (eventId: string, text: string) => call(chatPath(eventId), ChatMessage, { method: "POST", body: JSON.stringify({ text }) });

export const deleteChat = (eventId: string, messageId: string) => call(`${chatPath(eventId)}/${encodeURIComponent(messageId)}`, Deleted, { method: "DELETE" });

export const fetchModeration = (limit = 50) => call(`/api/admin/chat?limit=${limit}`, Moderation);

async function call<T>(path: string, schema: z.ZodType<T>, init: RequestInit = {}): Promise<ChatAnswer<T>> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers: { "content-type": "application/json" }, cache: "no-store" });
  } catch {
    return { ok: false, status: 0, message: "cannot reach the server; check your connection" };
  }
  const body: unknown = await response.json().catch(() => null);
  if (response.ok) {
    const parsed = schema.safeParse(body);
    return parsed.success ? { ok: true, value: parsed.data } : { ok: false, status: response.status, message: "the server answered something unexpected" };
  }
  const error = ErrorBody.safeParse(body);
  const retryAfter = Number(response.headers.get("retry-after"));
  return {
    ok: false,
    status: response.status,
    message: error.success ? error.data.error.message : `the server answered ${response.status}`,
    ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSec: retryAfter } : {}),
  };
}

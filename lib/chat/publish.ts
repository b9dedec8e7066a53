import type { Redis } from "ioredis";
import { tellAdmins } from "../admin-events";
import { createLogger } from "../log";
import { CHANNELS, type ChatChannelMessage, type ChatDeleted, type ChatMessage } from "../protocol";

const log = createLogger("chat");

/**
 * Publishes chat on `chat-messages`; the relays send it to `chat:<eventId>`. After the fact and
 * best effort: a stored message stays stored if Redis blinks, and pages read the history again
 * when they reconnect.
 */

export async function publishMessage(redis: Redis, message: ChatMessage): Promise<void> {
  await publish(redis, { v: 1, type: "chat:message", ...message });
}

/**
 * Tells every open page to drop a deleted message, and the admins who deleted what (`auditId`:
 * the deletion's audit entry).
 */
export async function publishDeleted(redis: Redis, message: ChatMessage, by: string, auditId?: string): Promise<ChatDeleted> {
  const deleted: ChatDeleted = { id: message.id, eventId: message.eventId, ts: Date.now() };
  await publish(redis, { v: 1, type: "chat:delete", ...deleted });
  await tellAdmins(redis, "chat_deleted", { messageId: message.id, eventId: message.eventId, author: message.user, text: message.text, by }, auditId);
  return deleted;
}

async function publish(redis: Redis, message: ChatChannelMessage): Promise<void> {
  await redis.publish(CHANNELS.chatMessages, JSON.stringify(message)).catch((error: unknown) => {
    log.warn({ err: error instanceof Error ? error.message : String(error), type: message.type, id: message.id }, "chat not published");
  });
}

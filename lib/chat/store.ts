import { type AuditActor, audit } from "../audit";
import type { Db } from "../db";
import type { Prisma } from "../generated/prisma/client";
import type { ChatMessage } from "../protocol";

/**
 * Chat messages in Postgres. Deleting is soft (`deletedAt`, `deletedBy`): the row stays for the
 * record, and every read here skips it, so a deleted message never comes back.
 */

/** How many messages an event's history holds when a page opens. */
export const CHAT_HISTORY_LIMIT = 50;

const messageSelect = {
  id: true,
  eventId: true,
  text: true,
  createdAt: true,
  user: { select: { id: true, name: true } },
} satisfies Prisma.ChatMessageSelect;

type MessageRow = Prisma.ChatMessageGetPayload<{ select: typeof messageSelect }>;

/** A message for the moderation list: with its event's title. */
export type ModeratedMessage = ChatMessage & { eventTitle: string };

/** Stores a message; "no_event" when the event does not exist. Returns it as the wire carries it. */
export async function storeMessage(db: Db, post: { eventId: string; userId: string; text: string }): Promise<ChatMessage | "no_event"> {
  try {
    return wireOf(await db.chatMessage.create({ data: post, select: messageSelect }));
  } catch (error) {
    if ((error as { code?: unknown }).code === "P2003") return "no_event"; // the event's foreign key
    throw error;
  }
}

/**
 * The last `limit` messages of an event that are not deleted, oldest first (the order a chat
 * reads in); null when the event does not exist.
 */
export async function recentMessages(db: Db, eventId: string, limit = CHAT_HISTORY_LIMIT): Promise<ChatMessage[] | null> {
  const rows = await db.chatMessage.findMany({
    where: { eventId, deletedAt: null },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
    select: messageSelect,
  });
  if (rows.length === 0 && !(await db.event.findUnique({ where: { id: eventId }, select: { id: true } }))) return null;
  return rows.reverse().map(wireOf);
}

/**
 * Deletes a message of an event (softly), recording who did, with its audit entry, in one
 * transaction; returns the message as it was and the entry's id, or "not_found" when there is no
 * such message in that event or it was deleted already (and then writes nothing).
 */
export async function deleteMessage(
  db: Db,
  target: { eventId: string; messageId: string; actor: AuditActor },
): Promise<{ message: ChatMessage; auditId: string } | "not_found"> {
  return db.$transaction(async (tx) => {
    const deletedAt = new Date();
    const { count } = await tx.chatMessage.updateMany({
      where: { id: target.messageId, eventId: target.eventId, deletedAt: null },
      data: { deletedAt, deletedBy: target.actor.label },
    });
    if (count === 0) return "not_found";
    const message = wireOf(await tx.chatMessage.findUniqueOrThrow({ where: { id: target.messageId }, select: messageSelect }));
    const auditId = await audit(tx, {
      actor: target.actor,
      action: "chat.delete",
      target: { type: "chat_message", id: message.id },
      before: { eventId: message.eventId, author: message.user, text: message.text, deletedAt: null },
      after: { deletedAt: deletedAt.toISOString(), deletedBy: target.actor.label },
    });
    return { message, auditId };
  });
}

/** The most recent messages across every event that are not deleted, newest first, for moderators. */
export async function recentAcrossEvents(db: Db, limit: number): Promise<ModeratedMessage[]> {
  const rows = await db.chatMessage.findMany({
    where: { deletedAt: null },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
    select: { ...messageSelect, event: { select: { title: true } } },
  });
  return rows.map((row) => ({ ...wireOf(row), eventTitle: row.event.title }));
}

function wireOf(row: MessageRow): ChatMessage {
  return { id: row.id, eventId: row.eventId, user: { id: row.user.id, name: row.user.name }, text: row.text, ts: row.createdAt.getTime() };
}

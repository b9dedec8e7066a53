import type { ChatMessage } from "../protocol";

/**
 * An event's chat as a page holds it: history from the route and live messages from the relay,
 * merged. They overlap and race (a live message may arrive before the history that also holds
 * it; a delete may arrive before a history read earlier that still holds the message), so
 * messages are keyed by id and deleted ids are remembered. Values are replaced, never mutated.
 */

/** Messages a page keeps; older ones fall off the top. */
export const CHAT_LOG_MAX = 200;

export interface ChatLog {
  /** Oldest first (by `ts`, then id), at most CHAT_LOG_MAX. */
  messages: ChatMessage[];
  /** Ids deleted while the page was open, most recent last (bounded like the messages). */
  deleted: string[];
}

export const EMPTY_CHAT_LOG: ChatLog = { messages: [], deleted: [] };

/** Adds live (or just posted) messages: a known id is kept once, a deleted one never returns. */
export function withMessages(log: ChatLog, incoming: ChatMessage[]): ChatLog {
  const byId = new Map(log.messages.map((m) => [m.id, m]));
  let changed = false;
  for (const message of incoming) {
    if (byId.has(message.id) || log.deleted.includes(message.id)) continue;
    byId.set(message.id, message);
    changed = true;
  }
  return changed ? { ...log, messages: ordered([...byId.values()]) } : log;
}

/**
 * Takes a fresh history read (the route's last `limit` messages, oldest first). Within the span
 * the history covers it is the truth: a held message missing from it was deleted while this page
 * was not listening. Held messages newer than it arrived after the read and stay, and so do those
 * that arrived live while the read was under way (`arrivedDuring`: an empty history has no "newer
 * than"); older ones stay too when the history was full (it did not reach back that far).
 */
export function withHistory(log: ChatLog, history: ChatMessage[], limit: number, arrivedDuring: ReadonlySet<string> = new Set()): ChatLog {
  const first = history[0];
  const last = history[history.length - 1];
  const kept = log.messages.filter((held) => {
    if (arrivedDuring.has(held.id) || (last && after(held, last))) return true;
    return first !== undefined && history.length >= limit && after(first, held);
  });
  return withMessages({ ...log, messages: kept }, history);
}

/** Drops a deleted message, and remembers it so a late history or echo cannot bring it back. */
export function withDeleted(log: ChatLog, id: string): ChatLog {
  return {
    messages: log.messages.filter((m) => m.id !== id),
    deleted: log.deleted.includes(id) ? log.deleted : [...log.deleted, id].slice(-CHAT_LOG_MAX),
  };
}

function ordered(messages: ChatMessage[]): ChatMessage[] {
  return messages.sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(-CHAT_LOG_MAX);
}

/** Whether `a` comes after `b` in chat order. */
function after(a: ChatMessage, b: ChatMessage): boolean {
  return a.ts > b.ts || (a.ts === b.ts && a.id > b.id);
}

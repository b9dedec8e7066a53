"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { fetchChat } from "@/lib/live/chat-api";
import { type ChatLog, EMPTY_CHAT_LOG, withDeleted, withHistory, withMessages } from "@/lib/live/chat-log";
import type { LiveConnection } from "@/lib/live/connection";
import type { ChatMessage } from "@/lib/protocol";

/** What the history route returns at most (lib/chat/store.ts CHAT_HISTORY_LIMIT). */
const HISTORY_LIMIT = 50;

export interface ChatState {
  log: ChatLog;
  /** The socket is in the chat room and the history was read since: nothing posted from now on is missed. */
  live: boolean;
  /** Why the history could not be read, if it could not. */
  problem: string | null;
  /** A message this page posted (it may beat its own echo from the relay). */
  add: (message: ChatMessage) => void;
  /** A message this page deleted. */
  remove: (id: string) => void;
}

/**
 * An event's chat: the history on open, after every reconnect (whatever was said meanwhile was
 * missed), and again each time the relay confirms the socket is in the room (a read before the
 * join could miss a message sent between the read and the join); live messages and deletes in
 * between.
 */
export function useChat(eventId: string, connection: LiveConnection | null): ChatState {
  const [log, setLog] = useState<ChatLog>(EMPTY_CHAT_LOG);
  const [live, setLive] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  /** Ids of live messages that arrived while a history read was under way: the read may predate them. */
  const arriving = useRef<Set<string>[]>([]);

  const load = useCallback(async () => {
    const during = new Set<string>();
    arriving.current.push(during);
    const answer = await fetchChat(eventId).finally(() => {
      arriving.current = arriving.current.filter((set) => set !== during);
    });
    if (!answer.ok) return setProblem(`Chat history unavailable: ${answer.message}`);
    setProblem(null);
    setLog((held) => withHistory(held, answer.value.messages, HISTORY_LIMIT, during));
  }, [eventId]);

  useEffect(() => void load(), [load]);

  useEffect(() => {
    if (!connection) return;
    const stops = [
      connection.on("chat:message", (message) => {
        if (message.eventId !== eventId) return;
        for (const during of arriving.current) during.add(message.id);
        setLog((held) => withMessages(held, [message]));
      }),
      connection.on("chat:delete", (deleted) => deleted.eventId === eventId && setLog((held) => withDeleted(held, deleted.id))),
      connection.onReconnect(() => {
        setLive(false);
        void load();
      }),
      connection.onSubscribed((events) => {
        if (events.includes(eventId)) void load().then(() => setLive(true));
      }),
    ];
    return () => {
      for (const stop of stops) stop();
    };
  }, [connection, eventId, load]);

  const add = useCallback((message: ChatMessage) => setLog((held) => withMessages(held, [message])), []);
  const remove = useCallback((id: string) => setLog((held) => withDeleted(held, id)), []);
  return { log, live, problem, add, remove };
}

"use client";

import { memo, useCallback, useEffect, useState } from "react";
import { type ModeratedMessage, deleteChat, fetchModeration } from "@/lib/live/chat-api";

/** How often the list is read again, ms: moderation can lag a little, a poll is simple and enough. */
const REFRESH_MS = 5_000;

/**
 * The admin console's chat moderation: the latest messages across every event, each with a Delete
 * button. The admin session cookie authorises both calls (same origin). Texts are React text
 * nodes, shown exactly as typed.
 */
export const ChatModeration = memo(function ChatModeration() {
  const [messages, setMessages] = useState<ModeratedMessage[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    const answer = await fetchModeration();
    if (!answer.ok) return setProblem(`Could not load chat: ${answer.message}`);
    setProblem(null);
    setMessages(answer.value.messages);
  }, []);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  const remove = async (message: ModeratedMessage) => {
    const answer = await deleteChat(message.eventId, message.id);
    if (!answer.ok && answer.status !== 404) setProblem(`Could not delete: ${answer.message}`);
    await refresh();
  };

  return (
    <section className="admin-panel chat-moderation" data-testid="chat-moderation" aria-label="Chat moderation">
      <h2>Chat moderation</h2>
      {problem && (
        <p className="form-error" role="alert">
          {problem}
        </p>
      )}
      {messages?.length === 0 && <p className="chat-empty">No messages.</p>}
      {messages && messages.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>Time</th>
              <th>Event</th>
              <th>Author</th>
              <th>Message</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {messages.map((m) => (
              <tr key={m.id} data-message-id={m.id}>
                <td>
                  <time dateTime={new Date(m.ts).toISOString()}>
                    {new Date(m.ts).toLocaleString("en-GB", { day: "2-digit", month: "short", hour: "2-digit", minute: "2-digit" })}
                  </time>
                </td>
                <td>{m.eventTitle}</td>
                <td>{m.user.name}</td>
                <td className="chat-text">{m.text}</td>
                <td>
                  <button type="button" onClick={() => void remove(m)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
});

"use client";

import { type FormEvent, type KeyboardEvent, useLayoutEffect, useRef, useState } from "react";
import { chatTextLength, normaliseChatText } from "@/lib/chat/text";
import type { AccountStore } from "@/lib/live/account-store";
import { deleteChat, postChat } from "@/lib/live/chat-api";
import type { LiveConnection } from "@/lib/live/connection";
import { useAccount } from "@/lib/live/hooks";
import { CHAT_TEXT_MAX, type ChatMessage } from "@/lib/protocol";
import { useChat } from "./use-chat";

export interface ChatPanelProps {
  eventId: string;
  /** The page's relay connection (following this event, so in its chat room); null before it exists. */
  connection: LiveConnection | null;
  account: AccountStore;
  /** Opens the page's sign-in dialog with this reason. */
  onSignIn: (reason: string) => void;
}

/**
 * The event's chat: history on open, live messages, a box to post (signed in), a Delete button
 * per message (admins). Every text is a React text node: markup in a message shows as typed.
 */
export function ChatPanel({ eventId, connection, account, onSignIn }: ChatPanelProps) {
  const me = useAccount(account).account;
  const chat = useChat(eventId, connection);
  const [error, setError] = useState<string | null>(null);
  const remove = async (id: string) => {
    const answer = await deleteChat(eventId, id);
    if (answer.ok || answer.status === 404) chat.remove(id);
    else setError(`Could not delete: ${answer.message}`);
  };

  return (
    <section className="chat-panel" data-testid="chat-panel" data-live={chat.live ? "true" : "false"} aria-label="Event chat">
      <h2>Chat</h2>
      <MessageList messages={chat.log.messages} onDelete={me?.role === "admin" ? remove : null} />
      {chat.problem && <p className="chat-problem">{chat.problem}</p>}
      {me ? (
        <Composer eventId={eventId} onPosted={chat.add} setError={setError} />
      ) : (
        <button type="button" className="primary" onClick={() => onSignIn("Sign in to chat.")}>
          Sign in to chat
        </button>
      )}
      {error && (
        <p className="form-error" data-testid="chat-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

/** The messages, oldest first, kept scrolled to the newest unless the reader scrolled up. */
function MessageList({ messages, onDelete }: { messages: ChatMessage[]; onDelete: ((id: string) => void) | null }) {
  const list = useRef<HTMLOListElement>(null);
  const pinned = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the list scrolls when the messages change, which the effect does not read.
  useLayoutEffect(() => {
    if (pinned.current && list.current) list.current.scrollTop = list.current.scrollHeight;
  }, [messages]);
  const onScroll = () => {
    const el = list.current;
    if (el) pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
  };
  if (messages.length === 0) return <p className="chat-empty">No messages yet.</p>;
  return (
    <ol className="chat-messages" ref={list} onScroll={onScroll}>
      {messages.map((m) => (
        <li key={m.id} className="chat-message" data-testid="chat-message" data-message-id={m.id}>
          <span className="chat-author">{m.user.name}</span>
          <time className="chat-time" dateTime={new Date(m.ts).toISOString()}>
            {new Date(m.ts).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" })}
          </time>
          {onDelete && (
            <button type="button" className="link chat-delete" onClick={() => onDelete(m.id)}>
              Delete
            </button>
          )}
          <p className="chat-text">{m.text}</p>
        </li>
      ))}
    </ol>
  );
}

/** The box to post: a counter against the limit, Enter sends (Shift+Enter: new line). A failed send keeps the text. */
function Composer({ eventId, onPosted, setError }: { eventId: string; onPosted: (m: ChatMessage) => void; setError: (error: string | null) => void }) {
  const [draft, setDraft] = useState("");
  const [sending, setSending] = useState(false);
  const length = chatTextLength(normaliseChatText(draft));
  const sendable = length > 0 && length <= CHAT_TEXT_MAX && !sending;

  const send = async (event?: FormEvent) => {
    event?.preventDefault();
    if (!sendable) return;
    const sent = draft;
    setSending(true);
    const answer = await postChat(eventId, sent);
    setSending(false);
    if (!answer.ok)
      return setError(answer.status === 429 ? `You are sending messages too fast; try again in ${answer.retryAfterSec ?? 10} s.` : answer.message);
    setError(null);
    // The relay's copy often arrives before this answer, and the writer may have typed on since.
    setDraft((current) => (current === sent ? "" : current));
    onPosted(answer.value);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey) void send(event);
  };

  return (
    <form className="chat-composer" onSubmit={send}>
      <textarea
        aria-label="Chat message"
        rows={2}
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={onKeyDown}
        placeholder="Say something…"
      />
      <div className="chat-actions">
        <span className={length > CHAT_TEXT_MAX ? "chat-counter over" : "chat-counter"} aria-live="polite">
          {length}/{CHAT_TEXT_MAX}
        </span>
        <button type="submit" className="primary" disabled={!sendable}>
          Send
        </button>
      </div>
    </form>
  );
}

"use client";

import type { AccountStore } from "../../../../lib/live/account-store";
import type { LiveConnection } from "../../../../lib/live/connection";

export interface ChatPanelProps {
  eventId: string;
  /** The page's relay connection (following this event, so in its chat room); null before it exists. */
  connection: LiveConnection | null;
  account: AccountStore;
  /** Opens the page's sign-in dialog with this reason. */
  onSignIn: (reason: string) => void;
}

/** The event's chat: history on open, live messages, a box to post (signed in). */
export function ChatPanel(_props: ChatPanelProps) {
  return null;
}

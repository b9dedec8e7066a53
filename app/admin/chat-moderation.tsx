"use client";

/** Placeholder so the console builds on this branch; the chat branch provides the real component. */
export function ChatModeration() {
  return null;
}

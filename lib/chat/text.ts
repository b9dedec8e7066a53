import { z } from "zod";
import { CHAT_TEXT_MAX } from "../protocol";

/** C0 and C1 control characters except tab and newline, which a message may keep. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this pattern's job.
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * A message's text as it is stored and shown: line endings made `\n`, control characters other
 * than tab and newline dropped (they render as nothing or as garbage), then trimmed. Markup is
 * left alone: it is text, and the page shows it as text.
 * @example normaliseChatText("  hi\r\nthere\u0007 ") // "hi\nthere"
 */
export function normaliseChatText(raw: string): string {
  return raw.replace(/\r\n?/g, "\n").replace(CONTROLS, "").trim();
}

/**
 * Length as the limit counts it: UTF-16 code units (`string.length`), the unit the wire schema
 * (`ChatMessage.text`, max CHAT_TEXT_MAX) and the browser's counter use, so whatever the route
 * accepts the relay and the page accept too.
 */
export function chatTextLength(text: string): number {
  return text.length;
}

/** The text of a message to post: 1–CHAT_TEXT_MAX characters once normalised. */
export const ChatText = z
  .string("must be a string")
  .transform(normaliseChatText)
  .refine((text) => chatTextLength(text) > 0, "must not be empty")
  .refine((text) => chatTextLength(text) <= CHAT_TEXT_MAX, `must be at most ${CHAT_TEXT_MAX} characters`);

/** The body of POST /api/events/{eventId}/chat. */
export const ChatPost = z.strictObject({ text: ChatText });
export type ChatPost = z.infer<typeof ChatPost>;

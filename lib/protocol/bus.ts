import { z } from "zod";
import { ChangeSchema } from "./changes";
import { AdminEvent, ChatMessage, EventUpdate, FEED_STATES, UserUpdate } from "./messages";
import { SportKey } from "./odds";

/**
 * Messages between processes over Redis pub/sub: a discriminated union on `type`, versioned with
 * `v: 1`, validated on receipt (STYLE.md 6). A receiver logs and drops what does not parse.
 */

const v1 = { v: z.literal(1) };

export const OddsDeltaMessage = z.object({
  ...v1,
  type: z.literal("odds:delta"),
  sport: SportKey,
  seq: z.number().int().min(1),
  prevSeq: z.number().int().min(0),
  ts: z.number(),
  changes: z.array(ChangeSchema),
});

/** Publisher heartbeat: sent every second while running, and once when it stops. */
export const FeedStatusMessage = z.object({
  ...v1,
  type: z.literal("feed:status"),
  status: z.enum(FEED_STATES),
  ts: z.number(),
  /** Publisher tick interval, so the relay knows how long silence may last before "stale". */
  intervalMs: z.number().int().positive(),
});

export const SportsOddsMessage = z.discriminatedUnion("type", [OddsDeltaMessage, FeedStatusMessage]);

export const EventUpdateMessage = EventUpdate.extend({ ...v1, type: z.literal("event:update") });
export const ChatMessageMessage = ChatMessage.extend({ ...v1, type: z.literal("chat:message") });
export const AdminEventMessage = AdminEvent.extend({ ...v1, type: z.literal("admin:event") });
export const UserUpdateMessage = UserUpdate.extend({ ...v1, type: z.literal("user:update") });

export type OddsDeltaMessage = z.infer<typeof OddsDeltaMessage>;
export type FeedStatusMessage = z.infer<typeof FeedStatusMessage>;
export type SportsOddsMessage = z.infer<typeof SportsOddsMessage>;
export type EventUpdateMessage = z.infer<typeof EventUpdateMessage>;
export type ChatMessageMessage = z.infer<typeof ChatMessageMessage>;
export type AdminEventMessage = z.infer<typeof AdminEventMessage>;
export type UserUpdateMessage = z.infer<typeof UserUpdateMessage>;

/**
 * Parses a raw pub/sub payload with a schema. Never throws: malformed JSON and schema mismatches
 * come back as `{ ok: false, error }` for the receiver to log and drop.
 */
export function parseBusMessage<T>(schema: z.ZodType<T>, raw: string): { ok: true; message: T } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, error: "not JSON" };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, message: result.data };
  const issue = result.error.issues[0];
  return { ok: false, error: `${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}` };
}

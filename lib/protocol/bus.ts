import { z } from "zod";
import { BalanceChanged, BetAccepted, BetSettled } from "./bets";
import { AdminEvent } from "./admin";
import { EventBooks } from "./event-detail";
import { REASON_MAX } from "./limits";
import { ChatDeleted, ChatMessage, EventUpdate, FEED_STATES, SportsSummary, StaleSports } from "./messages";
import { parseJson } from "./parse";
import { PRODUCERS } from "./producers";
import { SourceSummary } from "./source";
import { OddsDelta } from "./wire";

export { parseJson };

/**
 * Messages between processes over Redis pub/sub: a discriminated union on `type`, versioned with
 * `v: 1`, validated on receipt. A receiver logs and drops what does not parse.
 */

const v1 = { v: z.literal(1) };

/** A delta as the publisher commits it (wire.ts), versioned for the bus and the history stream. */
export const OddsDeltaMessage = z.object({ ...v1, type: z.literal("odds:delta"), ...OddsDelta.shape });

/**
 * "Take the whole state again at this seq": published instead of a delta when the delta would be
 * too large, or when the publisher had to rewrite a sport (Redis lost data). It moves seq by one
 * like a delta; receivers reload the sport's state from Redis instead of patching.
 */
export const OddsResyncMessage = z.object({
  ...v1,
  type: z.literal("odds:resync"),
  ...OddsDelta.pick({ sport: true, seq: true, prevSeq: true, ts: true }).shape,
  reason: z.enum(["large_delta", "state_rebuilt"]),
});

/** Publisher heartbeat: sent by the leader every `heartbeatMs` (at most {@link HEARTBEAT_MAX_MS}), running or not. */
export const FeedStatusMessage = z.object({
  ...v1,
  type: z.literal("feed:status"),
  status: z.enum(FEED_STATES),
  ts: z.number(),
  /** Publisher tick interval, ms. */
  intervalMs: z.number().int().positive(),
  /**
   * How often the leader sends this heartbeat, ms: relays call the feed stale after
   * `silenceLimitMs(heartbeatMs)` without one.
   */
  heartbeatMs: z.number().int().positive().max(60_000),
  /** The external odds source's state, when one reports (The Odds API poller); absent with the simulator. */
  source: SourceSummary.optional(),
  /**
   * The expected odds producer as the leader judges it from its heartbeats (docs/odds-source.md,
   * "Producer liveness"): relays turn the whole feed stale with `reason` while it is down. Absent
   * when no producer is expected, or before the leader's first judgement.
   */
  producer: z.object({ name: z.enum(PRODUCERS), state: z.enum(["up", "down"]), reason: z.string().max(REASON_MAX).nullable() }).optional(),
  /** Board sports whose prices no live producer vouches for, each with why; absent when none. */
  staleSports: StaleSports.optional(),
});

/**
 * The longest period a leader beats at, ms: it sends the heartbeat at least once a second,
 * whatever its lease. A relay assumes it until the first heartbeat states the period.
 */
export const HEARTBEAT_MAX_MS = 1_000;

/**
 * How long a relay waits without a heartbeat or delta before it calls the feed stale, ms: three
 * and a half heartbeats, and never under 3.5 s.
 * @param heartbeatMs the period the last heartbeat stated, ms
 * @example silenceLimitMs(1_000) // 3_500
 */
export function silenceLimitMs(heartbeatMs: number): number {
  return Math.max(3_500, Math.ceil(3.5 * heartbeatMs));
}

/** The board's event counts per sport, published by the leader when they change (also kept in Redis). */
export const SportsSummaryMessage = SportsSummary.extend({ ...v1, type: z.literal("sports:summary") });

export const SportsOddsMessage = z.discriminatedUnion("type", [OddsDeltaMessage, OddsResyncMessage, FeedStatusMessage, SportsSummaryMessage]);

/** What the per-sport history stream holds: the seq-bearing messages, in seq order. */
export const HistoryMessage = z.discriminatedUnion("type", [OddsDeltaMessage, OddsResyncMessage]);

export const EventUpdateMessage = EventUpdate.extend({ ...v1, type: z.literal("event:update") });
export const EventBooksMessage = EventBooks.extend({ ...v1, type: z.literal("event:books") });
/** The `event-updates` channel: status/score moves, and bookmaker prices for event pages. */
export const EventChannelMessage = z.discriminatedUnion("type", [EventUpdateMessage, EventBooksMessage]);
export const ChatMessageMessage = ChatMessage.extend({ ...v1, type: z.literal("chat:message") });
export const ChatDeletedMessage = ChatDeleted.extend({ ...v1, type: z.literal("chat:delete") });
/** The `chat-messages` channel: new messages and moderation. */
export const ChatChannelMessage = z.discriminatedUnion("type", [ChatMessageMessage, ChatDeletedMessage]);
/** `admin-events`: every AdminEvent kind, versioned for the bus. */
export const AdminEventMessage = z.discriminatedUnion(
  "kind",
  AdminEvent.options.map((option) => option.extend({ ...v1, type: z.literal("admin:event") })) as unknown as [AdminEventOption, ...AdminEventOption[]],
);
type AdminEventOption = z.ZodObject<(typeof AdminEvent.options)[number]["shape"] & typeof v1 & { type: z.ZodLiteral<"admin:event"> }>;
const userUpdate = { ...v1, type: z.literal("user:update") };
export const UserUpdateMessage = z.discriminatedUnion("kind", [
  BetAccepted.extend(userUpdate),
  BetSettled.extend(userUpdate),
  BalanceChanged.extend(userUpdate),
]);

export type OddsDeltaMessage = z.infer<typeof OddsDeltaMessage>;
export type OddsResyncMessage = z.infer<typeof OddsResyncMessage>;
export type HistoryMessage = z.infer<typeof HistoryMessage>;
export type FeedStatusMessage = z.infer<typeof FeedStatusMessage>;
export type SportsSummaryMessage = z.infer<typeof SportsSummaryMessage>;
export type SportsOddsMessage = z.infer<typeof SportsOddsMessage>;
export type EventUpdateMessage = z.infer<typeof EventUpdateMessage>;
export type EventBooksMessage = z.infer<typeof EventBooksMessage>;
export type EventChannelMessage = z.infer<typeof EventChannelMessage>;
export type ChatMessageMessage = z.infer<typeof ChatMessageMessage>;
export type ChatDeletedMessage = z.infer<typeof ChatDeletedMessage>;
export type ChatChannelMessage = z.infer<typeof ChatChannelMessage>;
export type AdminEventMessage = AdminEvent & { v: 1; type: "admin:event" };
export type UserUpdateMessage = z.infer<typeof UserUpdateMessage>;

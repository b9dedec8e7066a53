import { z } from "zod";
import type { AdminEvent } from "./admin";
import type { UserUpdate } from "./bets";
import type { EventBooks } from "./event-detail";
import { REASON_MAX } from "./limits";
import { EventPhase, EventStatus, Id, Score, SportKey } from "./odds";
import type { Ack, AuthResult, ClientStats, ErrorPayload, PingResult, SubscribeResult, UnsubscribeResult } from "./requests";
import type { OddsSnapshot, WireDelta } from "./wire";

/**
 * What the relay pushes to clients besides a sport's odds (wire.ts), and the Socket.IO event maps
 * of both directions (docs/protocol.md, "Relay → client"). Each payload is a schema: the browser
 * validates every message it uses before it uses it.
 */

export const FEED_STATES = ["live", "stale", "stopped"] as const;
export type FeedState = (typeof FEED_STATES)[number];

/** Sport → why its prices may be out of date (at most one entry per sport on the board). */
export const StaleSports = z.record(SportKey, z.string().min(1).max(REASON_MAX));
export type StaleSports = z.infer<typeof StaleSports>;

export const FeedStatus = z.object({
  status: z.enum(FEED_STATES),
  /** When the feed entered this status, ms since epoch. */
  since: z.number(),
  reason: z.string().optional(),
  /**
   * While the feed as a whole is live: the sports whose prices nobody vouches for right now, each
   * with why (docs/protocol.md, "Other events"). Absent when every sport is live.
   */
  sports: StaleSports.optional(),
});
export type FeedStatus = z.infer<typeof FeedStatus>;

/** One sport's line in the board summary: events on the board and, of those, events in play. */
export const SportCount = z.object({
  sport: SportKey,
  events: z.number().int().min(0),
  live: z.number().int().min(0),
});
export type SportCount = z.infer<typeof SportCount>;

/**
 * Event counts of every sport on the board, so a page's sport tabs follow the board for sports it
 * does not hold. Sent to every socket on connect and whenever a count changes.
 */
export const SportsSummary = z.object({
  /** Publisher clock when the counts were taken, ms since epoch. */
  ts: z.number(),
  /** Opaque id of the publisher's term as leader: `ts` orders summaries within one term only. */
  leader: z.string().min(1).max(64),
  sports: z.array(SportCount),
});
export type SportsSummary = z.infer<typeof SportsSummary>;

/**
 * Whether `next` replaces `held`: a later summary of the same leader, or any summary of another
 * leader (after a failover, whose clock may be behind), since only the current leader publishes.
 */
export function supersedes(next: SportsSummary, held: SportsSummary | null): boolean {
  return held === null || next.leader !== held.leader || next.ts > held.ts;
}

export const EventUpdate = z.object({
  eventId: Id,
  sport: SportKey.nullable(),
  status: EventStatus.optional(),
  phase: EventPhase.optional(),
  score: Score.nullable().optional(),
  ts: z.number(),
});
export type EventUpdate = z.infer<typeof EventUpdate>;

/** Text of a chat message: 1–500 characters once trimmed, shown as plain text. */
export const CHAT_TEXT_MAX = 500;

export const ChatAuthor = z.object({ id: z.string().min(1).max(64), name: z.string().min(1).max(64) });
export type ChatAuthor = z.infer<typeof ChatAuthor>;

/** A message in an event's chat (`chat:<eventId>`), as stored. */
export const ChatMessage = z.object({
  id: z.string().min(1).max(64),
  eventId: Id,
  user: ChatAuthor,
  text: z.string().min(1).max(CHAT_TEXT_MAX),
  /** When it was stored, ms since epoch. */
  ts: z.number(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

/** An admin removed a message: every open page drops it. */
export const ChatDeleted = z.object({ id: z.string().min(1).max(64), eventId: Id, ts: z.number() });
export type ChatDeleted = z.infer<typeof ChatDeleted>;

/** Socket.IO event map, client → relay. */
export interface ClientToServerEvents {
  // Acks are typed as required so `socket.timeout(ms).emitWithAck(...)` types well; the relay
  // still checks that a client really sent one.
  subscribe: (request: unknown, ack: (result: Ack<SubscribeResult>) => void) => void;
  unsubscribe: (request: unknown, ack: (result: Ack<UnsubscribeResult>) => void) => void;
  ping: (ack: (result: Ack<PingResult>) => void) => void;
  /** A fresh relay token for this connection (or null to drop it), without reconnecting. */
  auth: (request: unknown, ack: (result: Ack<AuthResult>) => void) => void;
}

/** Socket.IO event map, relay → client. */
export interface ServerToClientEvents {
  "odds:snapshot": (snapshot: OddsSnapshot) => void;
  /** A delta in its packed wire form (wire.ts): read it with readWireDelta. */
  "odds:delta": (delta: WireDelta) => void;
  "event:update": (update: EventUpdate) => void;
  "feed:status": (status: FeedStatus) => void;
  "sports:summary": (summary: SportsSummary) => void;
  "event:books": (books: EventBooks) => void;
  "chat:message": (message: ChatMessage) => void;
  "chat:delete": (deleted: ChatDeleted) => void;
  "user:update": (update: UserUpdate) => void;
  "admin:event": (event: AdminEvent) => void;
  /** This connection's delivery counters, every few seconds. */
  stats: (stats: ClientStats) => void;
  error: (error: ErrorPayload) => void;
}

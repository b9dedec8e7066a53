import { z } from "zod";
import { type Change, ChangeSchema } from "./changes";
import type { UserUpdate } from "./bets";
import type { AdminEvent } from "./admin";
import type { EventBooks } from "./event-detail";
import type { WireDelta } from "./wire";
import { EventOdds, EventPhase, EventStatus, Id, PathKey, Score, SportKey } from "./odds";

const maxSportsPerSubscribe = 20;
const maxEventsPerSubscribe = 100;

/** Limits a client may not exceed (the relay answers with an error code when it does). */
export const LIMITS = {
  maxSportsPerSubscribe,
  maxEventsPerSubscribe,
  /**
   * Default of RELAY_MAX_SUBSCRIPTIONS (sports + events held by one connection): the most one valid
   * `subscribe` can ask for, so any request the schema accepts fits a fresh connection.
   */
  defaultMaxSubscriptions: maxSportsPerSubscribe + maxEventsPerSubscribe,
  /** Bytes of one client message as JSON. */
  maxMessageBytes: 16 * 1024,
  /** Market keys in one `subscribe`'s `markets` filter. */
  maxMarketsPerFilter: 32,
  /** Bookmaker keys in one `subscribe`'s `books` filter. */
  maxBooksPerFilter: 64,
} as const;

/** The closed set of error codes in acks and `error` events (docs/protocol.md). */
export const ERROR_CODES = [
  "invalid_payload",
  "payload_too_large",
  "unknown_sport",
  "too_many_subscriptions",
  "rate_limited",
  "unauthorized",
  "token_expired",
  "token_revoked",
  "too_many_connections",
  "unavailable",
  "slow_consumer",
  "internal",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const ErrorPayload = z.object({ code: z.enum(ERROR_CODES), message: z.string() });
export type ErrorPayload = z.infer<typeof ErrorPayload>;

// ── client → relay ──────────────────────────────────────────────────────────────────────────────

/** A bookmaker key in a `books` filter, e.g. "pinnacle" (no separators, so it fits a room name). */
export const BookKey = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "invalid bookmaker key");

export const SubscribeRequest = z
  .strictObject({
    sports: z.array(SportKey).min(1).max(LIMITS.maxSportsPerSubscribe),
    events: z.array(Id).max(LIMITS.maxEventsPerSubscribe).optional(),
    /** Last seq the client holds per sport; the relay replays from there when it can. */
    resume: z.record(SportKey, z.number().int().min(0)).optional(),
    /**
     * How a `resume` is replayed: `each` (default) sends every missed delta in order; `merged`
     * sends one delta from the resumed seq to the current one (prevSeq = the resumed seq), the
     * missed changes compacted. The page asks for `merged`: a relay restart then costs one
     * message per sport and client instead of one per missed delta.
     */
    replay: z.enum(["each", "merged"]).optional(),
    /**
     * Only these markets, in snapshots, deltas and `event:books` of this request's sports and
     * events. Absent: every market. Replaces the filter a held sport or event had.
     */
    markets: z.array(PathKey).min(1).max(LIMITS.maxMarketsPerFilter).optional(),
    /** Only these bookmakers in `event:books` of this request's events. Absent: every bookmaker. */
    books: z.array(BookKey).min(1).max(LIMITS.maxBooksPerFilter).optional(),
  })
  .refine((request) => request.books === undefined || (request.events?.length ?? 0) > 0, {
    message: "books filters event:books, so it needs events",
    path: ["books"],
  });
export type SubscribeRequest = z.infer<typeof SubscribeRequest>;

export const UnsubscribeRequest = z.strictObject({
  /** Omitted or empty: leave every sport. */
  sports: z.array(SportKey).max(LIMITS.maxSportsPerSubscribe).optional(),
  events: z.array(Id).max(LIMITS.maxEventsPerSubscribe).optional(),
});
export type UnsubscribeRequest = z.infer<typeof UnsubscribeRequest>;

export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ErrorPayload };

/**
 * How the relay brought a subscriber up to date: `snapshot` (the whole state was sent),
 * `replay` (only the deltas after the client's `resume` seq were sent) or `current` (the client
 * already held the latest seq; nothing was sent).
 */
export type CatchUpMode = "snapshot" | "replay" | "current";

export interface SubscribeResult {
  /** Per sport: the seq the client holds once the messages sent before this ack are applied. */
  sports: Record<string, { seq: number; mode: CatchUpMode; replayed: number }>;
  events: string[];
}

export const AuthRequest = z.strictObject({ token: z.string().min(1).max(4_096).nullable() });

export interface AuthResult {
  /** The account the connection now acts for, or null (anonymous). */
  sub: string | null;
  role: "user" | "admin" | null;
  /** When its token runs out (ISO time), or null. */
  expiresAt: string | null;
}

/** How far one subscribed sport's delivered state is behind the relay's (see ClientStats). */
export const SportLag = z.object({
  /** The last seq of the sport the relay handed to this connection's transport. */
  seq: z.number().int().min(0),
  /** The relay's current seq minus `seq`: deltas held back while the connection is slow. */
  behind: z.number().int().min(0),
  /** How long the connection has been held back, ms (0 when `behind` is 0). */
  ms: z.number().min(0),
});
export type SportLag = z.infer<typeof SportLag>;

/**
 * One connection's delivery counters, pushed as `stats` every few seconds and in the `ping` ack.
 * Counts are since the connection opened.
 */
export const ClientStats = z.object({
  /** Relay clock, ms since epoch. */
  ts: z.number(),
  /** Messages written to this connection. */
  sent: z.number().int().min(0),
  /** Odds deltas folded into a merged delta or a resync snapshot while the connection was slow. */
  conflated: z.number().int().min(0),
  /** Messages never sent: `event:books` superseded by a later one while the connection was slow. */
  dropped: z.number().int().min(0),
  /** Bytes the relay holds for this connection, not yet handed to the operating system. */
  bufferedBytes: z.number().int().min(0),
  /** Whether odds deltas are held back (the connection is over its soft buffer limit). */
  slow: z.boolean(),
  /** Per subscribed sport. */
  lag: z.record(SportKey, SportLag),
});
export type ClientStats = z.infer<typeof ClientStats>;

export interface PingResult {
  /** Relay clock, ms since epoch. */
  serverTime: number;
  connectedAt: number;
  messagesSent: number;
  messagesReceived: number;
  rooms: string[];
  /** The relay instance holding this connection (several share one address in cluster mode). */
  instanceId: string;
  stats: ClientStats;
}

// ── relay → client ──────────────────────────────────────────────────────────────────────────────

export interface OddsSnapshot {
  sport: string;
  seq: number;
  /** Publisher clock when this state was committed, ms since epoch. */
  ts: number;
  events: EventOdds[];
  /**
   * Set when this snapshot replaces state the client may hold (history did not reach back, or
   * the server rebuilt the sport): apply it even if its seq is not above the one held.
   */
  resync?: boolean;
}

export interface OddsDelta {
  sport: string;
  seq: number;
  /**
   * The seq this delta applies on top of: `seq − 1`, except in a merged delta sent to a
   * connection that was too slow to take every delta, where it is the seq that connection held.
   */
  prevSeq: number;
  /** Publisher clock when this delta was committed, ms since epoch. */
  ts: number;
  /**
   * When the earliest database write it carries was made (the start of that writer's
   * transaction, on the database's clock), ms since epoch: now − origin is what a bettor waited
   * since the price changed. Absent when nothing in it came from a captured write.
   */
  origin?: number;
  changes: Change[];
}

export const OddsSnapshotSchema = z.object({
  sport: SportKey,
  seq: z.number().int().min(0),
  ts: z.number(),
  events: z.array(EventOdds),
  resync: z.boolean().optional(),
});

export const OddsDeltaSchema = z.object({
  sport: SportKey,
  seq: z.number().int().min(1),
  prevSeq: z.number().int().min(0),
  ts: z.number(),
  origin: z.number().optional(),
  changes: z.array(ChangeSchema),
});

export const FEED_STATES = ["live", "stale", "stopped"] as const;
export type FeedState = (typeof FEED_STATES)[number];

/** The longest reason any status carries (feed status, trust record, producer beats, the source's report), characters. */
export const REASON_MAX = 300;

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
  unsubscribe: (request: unknown, ack: (result: Ack<{ sports: string[] }>) => void) => void;
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

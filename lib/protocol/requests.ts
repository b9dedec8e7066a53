import { z } from "zod";
import { LIMITS } from "./limits";
import { Id, PathKey, SportKey } from "./odds";

/**
 * What a client asks the relay (docs/protocol.md, "Client → relay") and how each request is
 * answered: an acknowledgement `{ ok: true, … }` or `{ ok: false, error }`, with the error's code
 * from a closed set. The browser validates every ack it reads with these schemas.
 */

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

/** A refusal: in a failed ack, in an `error` event, and in a refused handshake's `connect_error` data. */
export const ErrorPayload = z.object({ code: z.enum(ERROR_CODES), message: z.string() });
export type ErrorPayload = z.infer<typeof ErrorPayload>;

/** An acknowledgement carrying `T` when it succeeds. */
export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ErrorPayload };

/** The schema of an ack whose success carries `result`'s fields (see {@link Ack}). */
export function ackOf<T extends z.ZodRawShape>(result: z.ZodObject<T>) {
  return z.discriminatedUnion("ok", [result.extend({ ok: z.literal(true) }), z.object({ ok: z.literal(false), error: ErrorPayload })]);
}

// ── requests ────────────────────────────────────────────────────────────────────────────────────

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

export const AuthRequest = z.strictObject({ token: z.string().min(1).max(4_096).nullable() });
export type AuthRequest = z.infer<typeof AuthRequest>;

// ── what a success carries ──────────────────────────────────────────────────────────────────────

/**
 * How the relay brought a subscriber up to date: `snapshot` (the whole state was sent),
 * `replay` (only the deltas after the client's `resume` seq were sent) or `current` (the client
 * already held the latest seq; nothing was sent).
 */
export const CatchUpMode = z.enum(["snapshot", "replay", "current"]);
export type CatchUpMode = z.infer<typeof CatchUpMode>;

export const SubscribeResult = z.object({
  /** Per sport: the seq the client holds once the messages sent before this ack are applied. */
  sports: z.record(SportKey, z.object({ seq: z.number().int().min(0), mode: CatchUpMode, replayed: z.number().int().min(0) })),
  /** The events whose rooms (odds, books, chat) the connection is now in. */
  events: z.array(Id),
});
export type SubscribeResult = z.infer<typeof SubscribeResult>;

export const UnsubscribeResult = z.object({
  /** The sports still subscribed. */
  sports: z.array(SportKey),
});
export type UnsubscribeResult = z.infer<typeof UnsubscribeResult>;

export const AuthResult = z.object({
  /** The account the connection now acts for, or null (anonymous). */
  sub: z.string().nullable(),
  role: z.enum(["user", "admin"]).nullable(),
  /** When its token runs out (ISO time), or null. */
  expiresAt: z.string().nullable(),
});
export type AuthResult = z.infer<typeof AuthResult>;

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

export const PingResult = z.object({
  /** Relay clock, ms since epoch. */
  serverTime: z.number(),
  /** When the connection opened, ms since epoch (relay clock). */
  connectedAt: z.number(),
  messagesSent: z.number().int().min(0),
  messagesReceived: z.number().int().min(0),
  /** The rooms the connection is in, filtered ones with their filter (docs/protocol.md, "Filters"). */
  rooms: z.array(z.string()),
  /** The relay instance holding this connection (several share one address in cluster mode). */
  instanceId: z.string(),
  stats: ClientStats,
});
export type PingResult = z.infer<typeof PingResult>;

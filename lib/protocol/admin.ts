import { z } from "zod";
import { BetView } from "./bets";
import { Id } from "./odds";
import { REASON_MAX } from "./limits";
import { PRODUCERS } from "./producers";

/**
 * What reaches the `admins` room: one typed message per thing an operator should know about.
 * Each is `{ kind, data, ts }`, discriminated on `kind`; `by` names the admin who acted (their
 * email, or "admin token" for a tool using ADMIN_TOKEN). Only sockets with an admin token get them.
 * An event that tells of an audited admin action carries `auditId`, the id of the action's entry
 * in the audit log (`AuditEntryView.id`), so a console that has read the log's history already
 * knows it.
 */

const by = z.string().min(1).max(320);
/** What an admin sets on an event or a market of the board: the status routes' words. */
const BoardStatusValue = z.enum(["open", "suspended"]);
const auditId = z
  .string()
  .regex(/^\d{1,19}$/)
  .optional();
const event = <K extends string, D extends z.ZodRawShape>(kind: K, data: D) =>
  z.object({ kind: z.literal(kind), data: z.object(data), ts: z.number(), auditId });

export const ADMIN_SERVICES = ["postgres", "redis"] as const;

export const AdminEvent = z.discriminatedUnion("kind", [
  // The publisher's control, as an admin changed it.
  event("publisher_started", { intervalMs: z.number().int().positive(), by }),
  event("publisher_stopped", { by }),
  event("publisher_interval", { intervalMs: z.number().int().positive(), previousMs: z.number().int().positive(), by }),
  // A publisher process took the lease (after a failover, or the first start).
  event("leader_changed", { instanceId: z.string().min(1).max(128), previous: z.string().max(128).nullable() }),
  // A backing service as the publisher sees it: down when its ticks start failing on it, up when they succeed again.
  event("outage", {
    service: z.enum(ADMIN_SERVICES),
    state: z.enum(["down", "up"]),
    reason: z.string().max(500).optional(),
    downForMs: z.number().int().min(0).optional(),
  }),
  // The odds source (The Odds API poller): its circuit breaker and its credits.
  event("source_breaker", { endpoint: z.string().min(1).max(200), state: z.enum(["open", "half_open", "closed"]), reason: z.string().max(500).optional() }),
  event("quota_warning", { remaining: z.number().int().min(0), used: z.number().int().min(0), reason: z.string().max(500) }),
  // The odds producer the deployment expects, as the publishing leader judges it from its heartbeats
  // (docs/odds-source.md, "Producer liveness"): down when no active instance beat within
  // PRODUCER_SILENCE_MS (lastHeardAt: when one last did, null if never since this leader began), up again when one does.
  event("producer_down", { producer: z.enum(PRODUCERS), reason: z.string().max(REASON_MAX), lastHeardAt: z.number().nullable() }),
  event("producer_up", { producer: z.enum(PRODUCERS), downForMs: z.number().int().min(0) }),
  // Bets and markets.
  event("large_bet", { userId: z.string().min(1).max(64), bet: BetView }),
  event("liability_limit", {
    marketId: z.string().min(1).max(64),
    liability: z.number(),
    eventId: Id,
    market: z.string().max(64),
    outcome: z.string().max(64),
  }),
  event("market_status", { id: z.string().min(1).max(64), status: BoardStatusValue, by }),
  event("event_status", { id: z.string().min(1).max(64), status: BoardStatusValue, by }),
  event("event_settled", { id: z.string().min(1).max(64), bets: z.number().int().min(0), by }),
  event("event_voided", { id: z.string().min(1).max(64), bets: z.number().int().min(0), by }),
  event("bet_voided", { id: z.string().min(1).max(64), by }),
  // Accounts: an admin gave an account another role (its relay tokens were revoked with it).
  event("role_changed", { userId: z.string().min(1).max(64), email: z.string().min(1).max(320), role: z.enum(["user", "admin"]), by }),
  // Chat moderation.
  event("chat_deleted", {
    messageId: z.string().min(1).max(64),
    eventId: Id,
    author: z.object({ id: z.string().max(64), name: z.string().max(64) }),
    text: z.string().max(500),
    by,
  }),
]);
export type AdminEvent = z.infer<typeof AdminEvent>;
export type AdminEventKind = AdminEvent["kind"];
/** The data of one kind of admin event. */
export type AdminEventData<K extends AdminEventKind> = Extract<AdminEvent, { kind: K }>["data"];

/** The body of the admin status routes (`POST /api/admin/{events,markets}/{id}/status`). */
export const BoardStatusRequest = z.strictObject({ status: BoardStatusValue });
export type BoardStatusRequest = z.infer<typeof BoardStatusRequest>;
/** Open or suspended: what an admin sets, and how the console and the audit log name an event's or a market's status. */
export type BoardStatus = BoardStatusRequest["status"];

/**
 * The answer of the admin status routes: the status now, whether the request changed it, and
 * then its audit entry's id (the console orders what it hears about one target by it).
 */
export const BoardStatusAnswer = z.object({
  id: z.string(),
  status: BoardStatusValue,
  changed: z.boolean(),
  auditId: z
    .string()
    .regex(/^\d{1,19}$/)
    .optional(),
});
export type BoardStatusAnswer = z.infer<typeof BoardStatusAnswer>;

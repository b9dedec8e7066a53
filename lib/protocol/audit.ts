import { z } from "zod";

/**
 * The audit log as the console reads it (`GET /api/admin/audit`). Every admin action that moves
 * money or the board leaves one entry, written in the same Postgres transaction as the action.
 */

/** Every action the log records: `<target>.<verb>`. */
export const AUDIT_ACTIONS = [
  "event.settle",
  "event.void",
  "event.status",
  "bet.void",
  "market.status",
  "publisher.start",
  "publisher.stop",
  "publisher.interval",
  "chat.delete",
  "user.role",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_TARGETS = ["event", "market", "bet", "publisher", "chat_message", "user"] as const;
export type AuditTarget = (typeof AUDIT_TARGETS)[number];

/** A JSON object describing the target before or after the action (its status, a score, an interval…). */
const Snapshot = z.record(z.string(), z.unknown()).nullable();

export const AuditEntryView = z.object({
  /** Rises with every entry: pages ask for entries before the last id they hold. */
  id: z.string().regex(/^\d+$/),
  /** When it was written, ISO 8601. */
  at: z.string(),
  /** The admin account's id, or null for the admin token. */
  actorId: z.string().nullable(),
  /** The admin account's email, or "admin token". */
  actor: z.string().max(320),
  action: z.enum(AUDIT_ACTIONS),
  target: z.object({ type: z.enum(AUDIT_TARGETS), id: z.string().max(128) }),
  before: Snapshot,
  after: Snapshot,
});
export type AuditEntryView = z.infer<typeof AuditEntryView>;

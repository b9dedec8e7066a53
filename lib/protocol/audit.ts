import { z } from "zod";

/**
 * The audit log as the console reads it (`GET /api/admin/audit`). Every admin action that moves
 * money or the board leaves one entry, written in the same Postgres transaction as the action, and
 * so does every change a bettor makes to their own limits (`limits.*`, the bettor as the actor).
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
  "limits.stake",
  "limits.time_out",
  "limits.self_exclusion",
  "limits.reality_check",
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
  /** The account's id (an admin's, or a bettor's for `limits.*`), or null for the admin token. */
  actorId: z.string().nullable(),
  /** The account's email, or "admin token". */
  actor: z.string().max(320),
  action: z.enum(AUDIT_ACTIONS),
  target: z.object({ type: z.enum(AUDIT_TARGETS), id: z.string().max(128) }),
  before: Snapshot,
  after: Snapshot,
});
export type AuditEntryView = z.infer<typeof AuditEntryView>;

/**
 * Orders two entry ids (strings of digits without leading zeros, as the route writes them, too
 * long for a JS number): negative when `a` is the older entry.
 * @example compareAuditIds("99", "100") // < 0
 */
export function compareAuditIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** Entries per page of `GET /api/admin/audit` when the query names none, and the most it gives. */
export const AUDIT_PAGE_DEFAULT = 50;
export const AUDIT_PAGE_MAX = 200;

/** The largest id Postgres holds in a BIGINT: a `before` past it names no entry. */
const MAX_ID = 9_223_372_036_854_775_807n;
const EntryId = z
  .string()
  .regex(/^\d{1,19}$/, "must be an entry id (a whole number)")
  // Zod runs this even when the pattern failed: only a string of digits is read as a number.
  .refine((id) => !/^\d{1,19}$/.test(id) || BigInt(id) <= MAX_ID, "is larger than any entry id");

/**
 * The query of `GET /api/admin/audit`, from its search parameters: entries older than `before`
 * (an id), newest first, `limit` of them, only of `action`, only of one target (`targetType`,
 * with `targetId` to name it). Anything else is refused.
 */
export const AuditQuery = z
  .strictObject({
    before: EntryId.optional(),
    limit: z.coerce.number().int("must be a whole number").min(1).max(AUDIT_PAGE_MAX).default(AUDIT_PAGE_DEFAULT),
    action: z.enum(AUDIT_ACTIONS).optional(),
    targetType: z.enum(AUDIT_TARGETS).optional(),
    targetId: z.string().min(1).max(128).optional(),
  })
  .refine((query) => query.targetId === undefined || query.targetType !== undefined, { path: ["targetId"], message: "needs targetType" });
export type AuditQuery = z.infer<typeof AuditQuery>;

/** One page of the log: newest first; `next` is the `before` of the following (older) page, null when there is none. */
export const AuditPage = z.object({ entries: z.array(AuditEntryView), next: EntryId.nullable() });
export type AuditPage = z.infer<typeof AuditPage>;

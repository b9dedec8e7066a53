import type { Db, Tx } from "./db";
import type { AuditAction, AuditEntryView, AuditPage, AuditQuery, AuditTarget } from "./protocol/audit";
import { type AuditEntry, Prisma } from "./generated/prisma/client";

/** Who acted: an admin account (its id and email), or a tool using ADMIN_TOKEN (id null). */
export interface AuditActor {
  id: string | null;
  /** The account's email, or "admin token". */
  label: string;
}

export interface AuditRecord {
  actor: AuditActor;
  action: AuditAction;
  target: { type: AuditTarget; id: string };
  /** The target as it was before the action and as the action left it (small JSON objects). */
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

/**
 * Writes one audit entry inside the action's own transaction (`tx`): if the action rolls back,
 * so does its entry; if it commits, exactly one entry stands for it. Call it only once the action
 * has really changed something, so a refused or idempotent no-op request leaves no entry.
 * Returns the entry's id, which the action's admin event carries (the console's feed matches the
 * two by it).
 */
export async function audit(tx: Tx, record: AuditRecord): Promise<string> {
  const row = await tx.auditEntry.create({
    data: {
      actorId: record.actor.id,
      actor: record.actor.label,
      action: record.action,
      targetType: record.target.type,
      targetId: record.target.id,
      before: toJson(record.before),
      after: toJson(record.after),
    },
    select: { id: true },
  });
  return row.id.toString();
}

/** A snapshot as a JSON column value: SQL NULL when there is none. */
function toJson(value: Record<string, unknown> | null | undefined): Prisma.InputJsonValue | typeof Prisma.DbNull {
  return value == null ? Prisma.DbNull : (value as Prisma.InputJsonValue);
}

/** An entry as the console reads it. */
export function auditView(row: AuditEntry): AuditEntryView {
  return {
    id: row.id.toString(),
    at: row.at.toISOString(),
    actorId: row.actorId,
    actor: row.actor,
    action: row.action as AuditAction,
    target: { type: row.targetType as AuditTarget, id: row.targetId },
    before: (row.before as Record<string, unknown> | null) ?? null,
    after: (row.after as Record<string, unknown> | null) ?? null,
  };
}

/**
 * One page of the log, newest first (by id, which rises with every entry): the entries older than
 * `query.before` that match its filters. Reads one more than asked to know whether an older page
 * exists.
 */
export async function auditPage(db: Db, query: AuditQuery): Promise<AuditPage> {
  const rows = await db.auditEntry.findMany({
    where: {
      ...(query.before === undefined ? {} : { id: { lt: BigInt(query.before) } }),
      ...(query.action === undefined ? {} : { action: query.action }),
      ...(query.targetType === undefined ? {} : { targetType: query.targetType }),
      ...(query.targetId === undefined ? {} : { targetId: query.targetId }),
    },
    orderBy: { id: "desc" },
    take: query.limit + 1,
  });
  const entries = rows.slice(0, query.limit).map(auditView);
  return { entries, next: rows.length > query.limit ? (entries.at(-1)?.id ?? null) : null };
}

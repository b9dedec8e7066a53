import type { AuditActor } from "../audit";
import { audit } from "../audit";
import type { Db } from "../db";
import { type Role, roleOf } from "./sessions";

/** What a role change answers: the account as it is now, whether anything changed, and then its audit entry. */
export interface RoleChange {
  user: { id: string; email: string; role: Role };
  changed: boolean;
  /** The change's audit entry (null when nothing changed). */
  auditId: string | null;
}

/**
 * Gives an account the role `role`, recorded in the audit log (`user.role`, before and after) in
 * the same transaction. The account's row is locked first, so two admins changing it at once are
 * recorded in the order they happened. Setting the role it already has changes nothing and writes
 * no entry. Null: no such account. "last_admin": it is the only admin account left, so it keeps
 * the role (ADMIN_TOKEN can still give it to another). Its sessions read the role afresh on every
 * request, so they follow at once; the caller revokes its relay tokens, whose role is signed in.
 */
export async function changeRole(db: Db, actor: AuditActor, userId: string, role: Role): Promise<RoleChange | "last_admin" | null> {
  return db.$transaction(async (tx) => {
    // Role changes one at a time: two admins demoting each other at once cannot both count the other as the one left.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('UserRole'))`;
    const rows = await tx.$queryRaw<
      { email: string; role: "USER" | "ADMIN" }[]
    >`SELECT "email", "role"::text AS role FROM "User" WHERE "id" = ${userId}::uuid FOR UPDATE`;
    const row = rows[0];
    if (!row) return null;
    const before = roleOf(row.role);
    const user = { id: userId, email: row.email, role };
    if (before === role) return { user, changed: false, auditId: null };
    if (before === "admin" && (await tx.user.count({ where: { role: "ADMIN", id: { not: userId } } })) === 0) return "last_admin";
    await tx.user.update({ where: { id: userId }, data: { role: role === "admin" ? "ADMIN" : "USER" }, select: { id: true } });
    const auditId = await audit(tx, {
      actor,
      action: "user.role",
      target: { type: "user", id: userId },
      before: { role: before, email: row.email },
      after: { role, email: row.email },
    });
    return { user, changed: true, auditId };
  });
}

import type { AuditActor } from "../audit";
import { audit } from "../audit";
import type { Db } from "../db";
import { type Role, roleOf } from "./sessions";

/** What a role change answers: the account as it is now, and whether anything changed. */
export interface RoleChange {
  user: { id: string; email: string; role: Role };
  changed: boolean;
}

/**
 * Gives an account the role `role`, recorded in the audit log (`user.role`, before and after) in
 * the same transaction. The account's row is locked first, so two admins changing it at once are
 * recorded in the order they happened. Setting the role it already has changes nothing and writes
 * no entry. Null: no such account. Its sessions read the role afresh on every request, so they
 * follow at once; the caller revokes its relay tokens, whose role is signed in.
 */
export async function changeRole(db: Db, actor: AuditActor, userId: string, role: Role): Promise<RoleChange | null> {
  return db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ email: string; role: "USER" | "ADMIN" }[]>`SELECT "email", "role"::text AS role FROM "User" WHERE "id" = ${userId}::uuid FOR UPDATE`;
    const row = rows[0];
    if (!row) return null;
    const before = roleOf(row.role);
    const user = { id: userId, email: row.email, role };
    if (before === role) return { user, changed: false };
    await tx.user.update({ where: { id: userId }, data: { role: role === "admin" ? "ADMIN" : "USER" }, select: { id: true } });
    await audit(tx, { actor, action: "user.role", target: { type: "user", id: userId }, before: { role: before }, after: { role } });
    return { user, changed: true };
  });
}

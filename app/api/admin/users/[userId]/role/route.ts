import { z } from "zod";
import { tellAdmins } from "@/lib/admin-events";
import { changeRole } from "@/lib/accounts/roles";
import { adminAction, auditActor } from "@/app/_lib/admin";
import { apiError, json, readFields } from "@/app/_lib/http";
import { services } from "@/app/_lib/services";
import { revokeAccess } from "@/app/_lib/session";

export const dynamic = "force-dynamic";

const RoleRequest = z.strictObject({ role: z.enum(["user", "admin"]) });

/**
 * POST /api/admin/users/{userId}/role `{ role: "user" | "admin" }` (admin) → 200 `{ id, email,
 * role, changed }`. The change and its audit entry (`user.role`) commit together; the account's
 * relay tokens are then revoked, so a demoted admin's sockets leave `admins` at once (and a
 * promoted bettor's page joins it with its next token), and the admins are told (`role_changed`,
 * with the entry's id). The account's sessions stay, with the new role: every web process forgets
 * what it held of them (lib/accounts/session-cache.ts) and reads them afresh.
 * Setting the role it has changes nothing and is not audited. 404 `not_found` for an unknown
 * account; 409 `last_admin` for demoting the only admin account left.
 */
export async function POST(request: Request, { params }: { params: Promise<{ userId: string }> }): Promise<Response> {
  const { userId } = await params;
  return adminAction(
    request,
    userId,
    "account",
    async (admin) => {
      const body = await readFields(request, RoleRequest, 1_024);
      if (!body.ok) return body.response;
      const { db, redis } = services();
      const change = await changeRole(db, auditActor(admin), userId, body.value.role);
      if (!change) return apiError(404, "not_found", "no such account");
      if (change === "last_admin")
        return apiError(
          409,
          "last_admin",
          "this is the only admin account left, so it keeps the role; make another account an admin first (ADMIN_TOKEN can always do so)",
        );
      if (change.auditId !== null) {
        await revokeAccess(userId, "role change");
        await tellAdmins(redis, "role_changed", { userId, email: change.user.email, role: change.user.role, by: admin.by }, change.auditId);
      }
      return json({ ...change.user, changed: change.changed });
    },
    "the role was not changed; try again shortly",
  );
}

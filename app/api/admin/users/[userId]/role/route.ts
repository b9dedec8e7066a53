import { z } from "zod";
import { revokeRelayTokensOrLog } from "../../../../../../lib/accounts/revocation";
import { changeRole } from "../../../../../../lib/accounts/roles";
import { auditActor } from "../../../../../_lib/admin";
import { apiError, json, readFields, unavailable, unknownId } from "../../../../../_lib/http";
import { services } from "../../../../../_lib/services";
import { requireAdmin } from "../../../../../_lib/session";

export const dynamic = "force-dynamic";

const RoleRequest = z.strictObject({ role: z.enum(["user", "admin"]) });

/**
 * POST /api/admin/users/{userId}/role `{ role: "user" | "admin" }` (admin) → 200 `{ id, email,
 * role, changed }`. The change and its audit entry (`user.role`) commit together; the account's
 * relay tokens are then revoked, so a demoted admin's sockets leave `admins` at once (and a
 * promoted bettor's page joins it with its next token). The account's sessions stay: they read
 * the role afresh on every request. Setting the role it has changes nothing and is not audited.
 * 404 `not_found` for an unknown account.
 */
export async function POST(request: Request, { params }: { params: Promise<{ userId: string }> }): Promise<Response> {
  const { userId } = await params;
  const admin = await requireAdmin(request);
  if ("response" in admin) return admin.response;
  const unknown = unknownId(userId, "account");
  if (unknown) return unknown;
  const body = await readFields(request, RoleRequest, 1_024);
  if (!body.ok) return body.response;
  const { db, redis } = services();
  try {
    const change = await changeRole(db, auditActor(admin), userId, body.value.role);
    if (!change) return apiError(404, "not_found", "no such account");
    if (change.changed) await revokeRelayTokensOrLog(redis, userId, "role change");
    return json({ ...change.user, changed: change.changed });
  } catch (error) {
    return unavailable(error, "Postgres", "the role was not changed; try again shortly");
  }
}

import { env } from "../../../../lib/env";
import { RelayTokenClaims } from "../../../../lib/protocol";
import { apiError, json, readJsonBody, requireAdmin } from "../../../_lib/http";
import { signRelayToken } from "../../../_lib/relay-token";

export const dynamic = "force-dynamic";

/**
 * POST /api/auth/relay-token `{ sub, role }` → `{ token, expiresAt }` (admin only).
 * The site has no bettor accounts yet, so only admins (and tools acting for a user) mint tokens;
 * a login flow would call `signRelayToken` for the signed-in user the same way.
 */
export async function POST(request: Request): Promise<Response> {
  const denied = requireAdmin(request);
  if (denied) return denied;
  const secret = env().RELAY_JWT_SECRET;
  if (!secret) return apiError(503, "admin_disabled", "RELAY_JWT_SECRET is not set on this server");
  const claims = await readJsonBody(request, RelayTokenClaims, '{ "sub": "user-1", "role": "user" }', 1_024);
  if (!claims.ok) return claims.response;
  return json(await signRelayToken(claims.value, secret));
}

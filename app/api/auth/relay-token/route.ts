import { signRelayToken } from "@/lib/accounts/relay-token";
import { redisNow } from "@/lib/accounts/revocation";
import { env } from "@/lib/env";
import { RelayTokenClaims } from "@/lib/protocol";
import { apiError, json, readJsonBody, refuseCrossSite, requireAdminToken, unavailable } from "@/app/_lib/http";
import { limit } from "@/app/_lib/limits";
import { services } from "@/app/_lib/services";
import { currentUser } from "@/app/_lib/session";

export const dynamic = "force-dynamic";

/**
 * POST /api/auth/relay-token → `{ token, expiresAt }`, a relay token that lives 5 minutes at most.
 * - Signed in: a token for your own account (role `user`, or `admin` for admin accounts); no body.
 *   Limited per account and per client address (RELAY_TOKEN_RATE_*): 429 with Retry-After.
 * - With `Authorization: Bearer <ADMIN_TOKEN>`: a token for any `{ sub, role }` (tools, tests).
 * The page asks again before its token runs out and hands the new one to its open socket.
 */
export async function POST(request: Request): Promise<Response> {
  const secret = env().RELAY_JWT_SECRET;
  if (!secret) return apiError(503, "admin_disabled", "RELAY_JWT_SECRET is not set on this server");
  if (request.headers.has("authorization")) {
    const denied = requireAdminToken(request);
    if (denied) return denied;
    const claims = await readJsonBody(request, RelayTokenClaims, '{ "sub": "user-1", "role": "user" }', 1_024);
    if (!claims.ok) return claims.response;
    try {
      return json(await signRelayToken(claims.value, secret, await redisNow(services().redis)));
    } catch (error) {
      return unavailable(error, "Redis");
    }
  }
  const crossSite = refuseCrossSite(request);
  if (crossSite) return crossSite;
  try {
    // Dated before the session is read: a sign-out (or password or role change) that commits
    // after this read revokes at a later moment on Redis's clock, so it voids this token too.
    // Dated after the read, a token could be issued for a session already ended and outlive it.
    const issuedAtMs = await redisNow(services().redis);
    const user = await currentUser();
    if (!user) return apiError(401, "unauthorized", "sign in first");
    const limited = await limit(request, "relayToken", user.id);
    if (limited) return limited;
    return json(await signRelayToken({ sub: user.id, role: user.role }, secret, issuedAtMs));
  } catch (error) {
    return unavailable(error, "Postgres");
  }
}

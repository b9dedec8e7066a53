import { SignJWT } from "jose";
import { RELAY_TOKEN_AUDIENCE, RELAY_TOKEN_ISSUER, RELAY_TOKEN_MAX_TTL_SEC, type RelayTokenClaims } from "../protocol";

/**
 * Signs the short-lived HS256 token the relay accepts in `auth: { token }` or the `auth` event.
 * It lives at most RELAY_TOKEN_MAX_TTL_SEC (5 minutes): a leaked token is soon worthless, and the
 * page fetches a fresh one before it runs out. `issuedAtMs` is when it was issued on Redis's clock
 * (revocation.ts `redisNow`): a revocation voids the tokens issued up to its own date on that
 * clock, whichever web process issued them.
 */
export async function signRelayToken(
  claims: RelayTokenClaims,
  secret: string,
  issuedAtMs: number,
  ttlSec = RELAY_TOKEN_MAX_TTL_SEC,
): Promise<{ token: string; expiresAt: string }> {
  const expires = Math.floor(Date.now() / 1000) + Math.min(ttlSec, RELAY_TOKEN_MAX_TTL_SEC);
  const token = await new SignJWT({ role: claims.role, iatMs: issuedAtMs })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(claims.sub)
    .setIssuer(RELAY_TOKEN_ISSUER)
    .setAudience(RELAY_TOKEN_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(expires)
    .sign(new TextEncoder().encode(secret));
  return { token, expiresAt: new Date(expires * 1000).toISOString() };
}

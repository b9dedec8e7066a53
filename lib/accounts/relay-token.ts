import { SignJWT } from "jose";
import { RELAY_TOKEN_AUDIENCE, RELAY_TOKEN_ISSUER, type RelayTokenClaims } from "../../lib/protocol";

/** Lifetime of relay tokens: long enough for a reconnect storm, short enough to be harmless if leaked. */
export const RELAY_TOKEN_TTL_SEC = 15 * 60;

/** Signs the short-lived HS256 token the relay accepts in `auth: { token }`. */
export async function signRelayToken(claims: RelayTokenClaims, secret: string, ttlSec = RELAY_TOKEN_TTL_SEC): Promise<{ token: string; expiresAt: string }> {
  const expires = Math.floor(Date.now() / 1000) + ttlSec;
  const token = await new SignJWT({ role: claims.role })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(claims.sub)
    .setIssuer(RELAY_TOKEN_ISSUER)
    .setAudience(RELAY_TOKEN_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(expires)
    .sign(new TextEncoder().encode(secret));
  return { token, expiresAt: new Date(expires * 1000).toISOString() };
}

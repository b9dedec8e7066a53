import { jwtVerify } from "jose";
import { RELAY_TOKEN_AUDIENCE, RELAY_TOKEN_ISSUER, RelayTokenClaims } from "../lib/protocol";

export type Identity = RelayTokenClaims | null;

export class AuthError extends Error {
  override name = "AuthError";
}

/**
 * Checks the handshake token: none means anonymous (public rooms only); a bad, expired or
 * wrongly-signed one is refused rather than silently downgraded, so a client learns its token is bad.
 */
export async function authenticate(token: unknown, secret: Uint8Array | null): Promise<Identity> {
  if (token === undefined || token === null || token === "") return null;
  if (typeof token !== "string") throw new AuthError("token must be a string");
  if (!secret) throw new AuthError("this relay does not accept tokens (RELAY_JWT_SECRET is not set)");
  try {
    const { payload } = await jwtVerify(token, secret, { issuer: RELAY_TOKEN_ISSUER, audience: RELAY_TOKEN_AUDIENCE, algorithms: ["HS256"] });
    const claims = RelayTokenClaims.safeParse(payload);
    if (!claims.success) throw new AuthError("token claims are invalid");
    return claims.data;
  } catch (error) {
    if (error instanceof AuthError) throw error;
    throw new AuthError(`token rejected: ${error instanceof Error ? error.message : "invalid"}`);
  }
}

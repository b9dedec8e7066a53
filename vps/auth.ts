import { jwtVerify } from "jose";
import { RELAY_TOKEN_AUDIENCE, RELAY_TOKEN_ISSUER, RELAY_TOKEN_MAX_TTL_SEC, RELAY_TOKEN_SKEW_SEC, RelayTokenPayload } from "../lib/protocol";

/** Who a token says the socket is, when it was issued (`iatMs`) and until when (`exp`, s since epoch); null: anonymous. */
export type Identity = (RelayTokenPayload & { exp: number }) | null;

export class AuthError extends Error {
  override name = "AuthError";
}

/**
 * Checks a token (at the handshake, or in an `auth` message): none means anonymous (public rooms
 * only); a bad, wrongly-signed or expired one is refused rather than silently downgraded, so a
 * client learns its token is bad. A token must expire (`exp`), and within
 * RELAY_TOKEN_MAX_TTL_SEC: a token that would live longer is refused, whoever signed it. It must
 * say when it was issued in ms (`iatMs`), or no revocation could be checked against it.
 */
export async function authenticate(token: unknown, secret: Uint8Array | null): Promise<Identity> {
  if (token === undefined || token === null || token === "") return null;
  if (typeof token !== "string") throw new AuthError("token must be a string");
  if (!secret) throw new AuthError("this relay does not accept tokens (RELAY_JWT_SECRET is not set)");
  try {
    const { payload } = await jwtVerify(token, secret, {
      issuer: RELAY_TOKEN_ISSUER,
      audience: RELAY_TOKEN_AUDIENCE,
      algorithms: ["HS256"],
      requiredClaims: ["exp"],
    });
    const claims = RelayTokenPayload.safeParse(payload);
    if (!claims.success || typeof payload.exp !== "number") throw new AuthError("token claims are invalid");
    if (payload.exp > Date.now() / 1000 + RELAY_TOKEN_MAX_TTL_SEC + RELAY_TOKEN_SKEW_SEC)
      throw new AuthError(`token lives too long (at most ${RELAY_TOKEN_MAX_TTL_SEC} s)`);
    return { ...claims.data, exp: payload.exp };
  } catch (error) {
    if (error instanceof AuthError) throw error;
    throw new AuthError(`token rejected: ${error instanceof Error ? error.message : "invalid"}`);
  }
}

/**
 * What a revoked token hears (docs/protocol.md), refused at a handshake or an `auth`, or dropped
 * from its private rooms (`token_revoked`): the page fetches a fresh one.
 */
export const REVOKED_MESSAGE = "this token was revoked (signed out, or the password or role changed); fetch a fresh one";

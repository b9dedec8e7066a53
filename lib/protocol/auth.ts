import { z } from "zod";

/**
 * Claims of the short-lived HS256 JWT the web app signs and the relay verifies (docs/protocol.md).
 * `sub` is the user id; `role: "admin"` joins the admins room.
 */
export const RelayTokenClaims = z.object({
  sub: z.string().min(1).max(64),
  role: z.enum(["user", "admin"]),
});
export type RelayTokenClaims = z.infer<typeof RelayTokenClaims>;

/**
 * What a signed token carries besides `iss`, `aud`, `exp` and `iat`: the claims and `iatMs`, when
 * it was issued in ms on Redis's clock. Seconds (`iat`) cannot tell a token issued just before a
 * revocation from one issued just after it in the same second; ms on the clock that also dates
 * revocations can (see `isRevoked`).
 */
export const RelayTokenPayload = RelayTokenClaims.extend({ iatMs: z.number().int().positive() });
export type RelayTokenPayload = z.infer<typeof RelayTokenPayload>;

export const RELAY_TOKEN_ISSUER = "live-odds-web";
/** The longest a relay token may live, s: the relay refuses tokens that expire later than this from now. */
export const RELAY_TOKEN_MAX_TTL_SEC = 5 * 60;
export const RELAY_TOKEN_AUDIENCE = "live-odds-relay";
/** Clock difference between the web app and the relay that a token's expiry may carry, s. */
export const RELAY_TOKEN_SKEW_SEC = 60;

/**
 * How long a revocation is kept (`KEYS.relayRevocation`), ms: past the longest any token issued
 * before it can still be accepted (its life plus the skew allowed, on either side).
 */
export const RELAY_REVOCATION_TTL_MS = (RELAY_TOKEN_MAX_TTL_SEC + 2 * RELAY_TOKEN_SKEW_SEC) * 1000;

/**
 * Whether a revocation dated `before` (ms, Redis's clock) voids a token issued at `iatMs`: every
 * token issued up to and including that ms. A token issued in the very ms of a revocation may
 * come from either side of it, so it is void: its page simply fetches another.
 */
export function isRevoked(iatMs: number, before: number | null | undefined): boolean {
  return before !== null && before !== undefined && iatMs <= before;
}

/**
 * Bus message (channel `relay-revocations`): every relay token of `userId` issued up to `before`
 * (ms) is void now: signed out, password or role changed. Relays drop the private rooms of the
 * sockets holding one at once.
 */
export const TokensRevokedMessage = z.object({
  v: z.literal(1),
  type: z.literal("tokens:revoked"),
  userId: RelayTokenClaims.shape.sub,
  before: z.number().int().positive(),
  ts: z.number(),
});
export type TokensRevokedMessage = z.infer<typeof TokensRevokedMessage>;

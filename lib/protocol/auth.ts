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

export const RELAY_TOKEN_ISSUER = "live-odds-web";
/** The longest a relay token may live, s: the relay refuses tokens that expire later than this from now. */
export const RELAY_TOKEN_MAX_TTL_SEC = 5 * 60;
export const RELAY_TOKEN_AUDIENCE = "live-odds-relay";

import type { Redis } from "ioredis";
import { createLogger } from "../log";
import { CHANNELS, KEYS, RELAY_REVOCATION_TTL_MS, type TokensRevokedMessage } from "../protocol";

const log = createLogger("accounts.revocation");

// KEYS[1]: the account's revocation. ARGV[1]: its lifetime, ms. Dates the revocation on Redis's
// clock (the clock relay tokens are dated by, see relay-token.ts), never earlier than one already
// held, and returns that date.
const REVOKE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local before = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], before, 'PX', ARGV[1])
return before
`;

/**
 * Voids every relay token of `userId` issued until now (sign-out, password change, role change):
 * records it in Redis, where a relay checks every token presented later, then tells the relays,
 * which take the account's sockets out of their private rooms at once (docs/relay.md
 * "Revocation"). Call it after the change it follows has committed, so no token issued in
 * between outlives it. Returns the revocation's date, ms on Redis's clock. Throws when Redis
 * cannot be reached.
 */
export async function revokeRelayTokens(redis: Redis, userId: string): Promise<number> {
  const before = Number(await redis.eval(REVOKE, 1, KEYS.relayRevocation(userId), RELAY_REVOCATION_TTL_MS));
  const message: TokensRevokedMessage = { v: 1, type: "tokens:revoked", userId, before, ts: Date.now() };
  await redis.publish(CHANNELS.revocations, JSON.stringify(message));
  return before;
}

/**
 * The same, for a change that has already been made and must not be undone by a Redis outage:
 * a failure is logged, and the account's tokens lapse on their own within their five minutes.
 */
export async function revokeRelayTokensOrLog(redis: Redis, userId: string, why: string): Promise<void> {
  await revokeRelayTokens(redis, userId).catch((error: unknown) => {
    log.error({ userId, why, err: error instanceof Error ? error.message : String(error) }, "could not revoke relay tokens; they lapse within five minutes");
  });
}

/** Redis's clock now, ms since the epoch: the clock relay tokens and revocations are dated by. */
export async function redisNow(redis: Redis): Promise<number> {
  const [seconds, micros] = await redis.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

import type { Redis } from "ioredis";
import type { Db } from "../db";
import type { ChatMessage } from "../protocol";
import { publishMessage } from "./publish";
import type { ChatRateLimiter } from "./rate-limit";
import { storeMessage } from "./store";

export interface ChatDeps {
  db: Db;
  redis: Redis;
  limiter: ChatRateLimiter;
}

export type PostOutcome = { ok: true; message: ChatMessage } | { ok: false; reason: "rate_limited"; retryAfterMs: number } | { ok: false; reason: "no_event" };

/**
 * Posts a message (text already normalised): counts it against the user's rate limit, stores it,
 * publishes it. The limit comes first, so a Redis outage refuses the post (it throws) before
 * anything is stored: an unlimited chat is worse than a paused one. A post that is not stored
 * gives its turn back.
 */
export async function postMessage(deps: ChatDeps, post: { eventId: string; userId: string; text: string }): Promise<PostOutcome> {
  const turn = await deps.limiter.take(post.userId);
  if (turn.retryAfterMs > 0) return { ok: false, reason: "rate_limited", retryAfterMs: turn.retryAfterMs };
  let stored: ChatMessage | "no_event";
  try {
    stored = await storeMessage(deps.db, post);
  } catch (error) {
    await deps.limiter.release(post.userId, turn);
    throw error;
  }
  if (stored === "no_event") {
    await deps.limiter.release(post.userId, turn);
    return { ok: false, reason: "no_event" };
  }
  await publishMessage(deps.redis, stored);
  return { ok: true, message: stored };
}

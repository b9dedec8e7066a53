import type { Redis } from "ioredis";
import type { Db } from "../db";
import { type ActionLimits, countersOf } from "../limits";
import type { ChatMessage } from "../protocol";
import type { RateLimiter } from "../rate-limit";
import { publishMessage } from "./publish";
import { storeMessage } from "./store";

export interface ChatDeps {
  db: Db;
  redis: Redis;
  limiter: RateLimiter;
  /** Posts per account and per client address (CHAT_RATE_*). */
  limits: ActionLimits;
}

export type PostOutcome = { ok: true; message: ChatMessage } | { ok: false; reason: "rate_limited"; retryAfterMs: number } | { ok: false; reason: "no_event" };

/**
 * Posts a message (text already normalised): counts it against the author's and the address's
 * rate limits, stores it, publishes it. The limit comes first, so a Redis outage refuses the post
 * (it throws) before anything is stored: an unlimited chat is worse than a paused one. A post
 * that is not stored gives its turn back.
 */
export async function postMessage(deps: ChatDeps, post: { eventId: string; userId: string; text: string; address: string }): Promise<PostOutcome> {
  const turn = await deps.limiter.take(countersOf("chat", deps.limits, { accountId: post.userId, address: post.address }));
  if (turn.retryAfterMs > 0) return { ok: false, reason: "rate_limited", retryAfterMs: turn.retryAfterMs };
  let stored: ChatMessage | "no_event";
  try {
    stored = await storeMessage(deps.db, { eventId: post.eventId, userId: post.userId, text: post.text });
  } catch (error) {
    await deps.limiter.release(turn);
    throw error;
  }
  if (stored === "no_event") {
    await deps.limiter.release(turn);
    return { ok: false, reason: "no_event" };
  }
  await publishMessage(deps.redis, stored);
  return { ok: true, message: stored };
}

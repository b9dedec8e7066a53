import type { Redis } from "ioredis";
import { type AdminEventData, type AdminEventKind, type AdminEventMessage, CHANNELS } from "./protocol";

/**
 * Tells the admins (`admin-events` → the relay's `admins` room) that something happened. Best
 * effort, after the fact: what happened stays done if Redis is down for a moment, and the console
 * reads the current state over HTTP anyway.
 */
export async function tellAdmins<K extends AdminEventKind>(redis: Redis, kind: K, data: AdminEventData<K>): Promise<void> {
  const message = { v: 1, type: "admin:event", kind, data, ts: Date.now() } as AdminEventMessage;
  await redis.publish(CHANNELS.adminEvents, JSON.stringify(message)).catch(() => {});
}

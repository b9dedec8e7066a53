import type { Redis } from "ioredis";
import { type AdminEventData, type AdminEventKind, type AdminEventMessage, CHANNELS } from "./protocol";

/**
 * An admin event as it goes on the bus, written at `ts` (ms since epoch); `auditId` names the
 * audit entry of the admin action it tells of, when there is one.
 */
export function adminEvent<K extends AdminEventKind>(kind: K, data: AdminEventData<K>, ts = Date.now(), auditId?: string): AdminEventMessage {
  return { v: 1, type: "admin:event", kind, data, ts, ...(auditId === undefined ? {} : { auditId }) } as AdminEventMessage;
}

/**
 * Tells the admins (`admin-events` → the relay's `admins` room) that something happened, as written
 * at `ts` (ms since epoch). Every producer of admin events goes through here. Best effort, after the
 * fact: what happened stays done if Redis is down for a moment, and the console reads the current
 * state over HTTP anyway (and the audit log keeps what an admin did: pass its entry's id as
 * `auditId`). Resolves to how many subscribers (relays) received it, or null when Redis refused it.
 */
export async function tellAdmins<K extends AdminEventKind>(
  redis: Redis,
  kind: K,
  data: AdminEventData<K>,
  auditId?: string,
  ts = Date.now(),
): Promise<number | null> {
  return redis.publish(CHANNELS.adminEvents, JSON.stringify(adminEvent(kind, data, ts, auditId))).catch(() => null);
}

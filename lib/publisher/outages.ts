import type { ADMIN_SERVICES, AdminEventData } from "../protocol";

export type Service = (typeof ADMIN_SERVICES)[number];
/** The data of an `outage` admin event. */
export type OutageNotice = AdminEventData<"outage">;

interface Outage {
  /** When the publisher first failed on the service, ms since epoch. */
  since: number;
  reason: string;
  /** Whether its "down" went out when it started (only possible while Redis carries it). */
  announced: boolean;
}

/**
 * Which backing services the leading publisher currently finds unreachable, and what to tell the
 * admins about it. Admin events travel through Redis, so a Postgres outage is announced when it
 * starts and when it ends, but a Redis outage only once Redis is back: its "down" then goes out
 * late, just before its "up". In both messages `downForMs` is how long the service had been down
 * when the message was written, so the start is always `ts - downForMs`.
 */
export class OutageTracker {
  private readonly outages = new Map<Service, Outage>();

  /** The service failed us at `now` (ms): the notices to send now (none when it was already down). */
  failed(service: Service, reason: string, now: number): OutageNotice[] {
    if (this.outages.has(service)) return [];
    const announced = service !== "redis";
    this.outages.set(service, { since: now, reason, announced });
    return announced ? [{ service, state: "down", reason, downForMs: 0 }] : [];
  }

  /** The service answered again at `now` (ms): the notices that end its outage, if it had one. */
  recovered(service: Service, now: number): OutageNotice[] {
    const outage = this.outages.get(service);
    if (!outage) return [];
    this.outages.delete(service);
    const downForMs = Math.max(0, now - outage.since);
    const up: OutageNotice = { service, state: "up", downForMs };
    return outage.announced ? [up] : [{ service, state: "down", reason: outage.reason, downForMs }, up];
  }

  /** Whether the service is down as far as this tracker knows. */
  isDown(service: Service): boolean {
    return this.outages.has(service);
  }
}

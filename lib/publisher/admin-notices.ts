import type { Redis } from "ioredis";
import { adminEvent, tellAdmins } from "../admin-events";
import type { Logger } from "../log";
import type { AdminEventData, AdminEventKind, AdminEventMessage } from "../protocol";

/** How long a notice that nobody heard is offered again before it is given up, ms. */
export const UNHEARD_FOR_MS = 60_000;
/** Notices held at most; beyond it the oldest goes (a Redis that never comes back must not grow us). */
export const MAX_HELD = 100;

/** Publishes one message: how many subscribers received it, or null when Redis refused it. */
export type PublishAdminEvent = (message: AdminEventMessage) => Promise<number | null>;

/** Notices told through `tellAdmins` on `redis`, each with the time it was written. */
export function adminNoticesOn(redis: Redis, log: Logger): AdminNotices {
  return new AdminNotices((message) => tellAdmins(redis, message.kind, message.data, message.auditId, message.ts), log);
}

/**
 * The publisher's own admin events (leader changes, outages), told in order and not lost to a
 * Redis that has just come back. Pub/sub keeps nothing: when Redis restarts, the publisher often
 * reconnects before the relays have subscribed again, and a notice published then reaches nobody
 * (PUBLISH answers 0). So a notice that no subscriber received, or that Redis refused, is kept,
 * with every notice after it, and offered again at the next `flush` (each control step), for up to
 * UNHEARD_FOR_MS. Each keeps the time it was written: `ts - downForMs` stays when an outage began.
 * A notice is published again only when nobody received it, so no one hears it twice.
 */
export class AdminNotices {
  private readonly held: AdminEventMessage[] = [];
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly publish: PublishAdminEvent,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Writes a notice now and publishes it after those still held. */
  tell<K extends AdminEventKind>(kind: K, data: AdminEventData<K>): void {
    this.held.push(adminEvent(kind, data, this.now()));
    if (this.held.length > MAX_HELD) this.giveUp(this.held.length - MAX_HELD, "too many admin events held");
    void this.flush();
  }

  /** Notices written but not yet heard. */
  get pending(): number {
    return this.held.length;
  }

  /** Publishes what is held, in order, until one is not heard (the one in flight, if any). */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async drain(): Promise<void> {
    for (let message = this.held[0]; message; message = this.held[0]) {
      const heard = await this.publish(message);
      if (heard === null || heard === 0) {
        if (this.now() - message.ts < UNHEARD_FOR_MS) return;
        this.log.warn(
          { kind: message.kind, ts: message.ts },
          `${heard === null ? "Redis refused the admin event" : "no relay subscribed to hear the admin event"}; given up`,
        );
      }
      // By identity: `tell` may have given up the oldest while this one was in flight.
      const at = this.held.indexOf(message);
      if (at >= 0) this.held.splice(at, 1);
    }
  }

  private giveUp(count: number, why: string): void {
    for (const message of this.held.splice(0, count)) this.log.warn({ kind: message.kind, ts: message.ts }, `${why}; given up`);
  }
}

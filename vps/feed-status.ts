import { type FeedState, type FeedStatus, type SourceSummary, silenceLimitMs } from "../lib/protocol";

/**
 * What the relay tells clients about freshness: "live" while the publisher's heartbeats say so,
 * "stopped" when an admin stopped it, and "stale" when heartbeats go quiet, the publisher reports
 * failing ticks, the odds source it reads from is down (the heartbeat says so), or the relay itself
 * lost Redis. Never silently stale: every change is broadcast.
 */
export class FeedStatusTracker {
  private status: FeedStatus;
  private lastBeatAt = 0;
  /** Silence allowed before "stale", from the period the last heartbeat announced. */
  private silenceLimitMs = silenceLimitMs();
  private busDown = false;

  constructor(
    private readonly onChange: (status: FeedStatus) => void,
    now: number,
  ) {
    this.status = { status: "stale", since: now, reason: "waiting for the publisher" };
  }

  current(): FeedStatus {
    return this.status;
  }

  /** A heartbeat from the publisher (its own view: live, stale or stopped), its period (ms), and the odds source's state if one reports. */
  heartbeat(reported: FeedState, now: number, heartbeatMs?: number, source?: SourceSummary): void {
    this.lastBeatAt = now;
    this.silenceLimitMs = silenceLimitMs(heartbeatMs);
    if (this.busDown) return;
    if (reported === "live" && source && source.state !== "ok") this.set("stale", now, `the odds source ${source.state === "stopped" ? "stopped" : "is failing"}: ${source.reason ?? "no reason given"}`);
    else if (reported === "live") this.set("live", now);
    else if (reported === "stopped") this.set("stopped", now, "the publisher was stopped by an admin");
    else this.set("stale", now, "the publisher cannot read or write odds right now");
  }

  /** A delta arrived: the publisher is demonstrably alive. */
  delta(now: number): void {
    this.lastBeatAt = now;
  }

  busLost(now: number): void {
    this.busDown = true;
    this.set("stale", now, "the relay lost its connection to Redis");
  }

  busRestored(): void {
    this.busDown = false; // the next heartbeat decides the status
  }

  /** Called every second: silence longer than the heartbeat's limit means stale. */
  check(now: number): void {
    if (this.status.status !== "stale" && now - this.lastBeatAt > this.silenceLimitMs) {
      this.set("stale", now, "no heartbeat from the publisher");
    }
  }

  private set(status: FeedState, now: number, reason?: string): void {
    if (this.status.status === status && this.status.reason === reason) return;
    this.status = reason ? { status, since: now, reason } : { status, since: now };
    this.onChange(this.status);
  }
}

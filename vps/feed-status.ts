import { type FeedState, type FeedStatus, type FeedStatusMessage, HEARTBEAT_MAX_MS, type StaleSports, silenceLimitMs } from "../lib/protocol";

/** What the tracker reads of a heartbeat. */
export type Heartbeat = Pick<FeedStatusMessage, "status" | "heartbeatMs" | "producer" | "staleSports">;

/**
 * What the relay tells clients about freshness: "live" while the publisher's heartbeats say so,
 * "stopped" when an admin stopped it, and "stale" when heartbeats go quiet, the publisher reports
 * failing ticks, the odds producer is down, or the relay itself lost Redis. While live, the
 * sports nobody vouches for are listed with why (`sports`): one rule with the bet path, the
 * producer's vouch, so a page says stale exactly where bets are refused. A failing source shows
 * as the reason of the sports whose vouch lapsed. Never silently stale: every change is broadcast.
 */
export class FeedStatusTracker {
  private status: FeedStatus;
  private lastBeatAt = 0;
  /** Silence allowed before "stale", from the period the last heartbeat announced. */
  private silenceLimitMs = silenceLimitMs(HEARTBEAT_MAX_MS);
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

  /**
   * A heartbeat from the publisher: its own view (live, stale or stopped), its period (ms), and
   * the odds producer and the sports nobody vouches for as it judges them. An admin's stop says
   * more than anything else; a down producer makes the whole feed stale.
   */
  heartbeat({ status: reported, heartbeatMs, producer, staleSports }: Heartbeat, now: number): void {
    this.lastBeatAt = now;
    this.silenceLimitMs = silenceLimitMs(heartbeatMs);
    if (this.busDown) return;
    if (reported === "stopped") this.set("stopped", now, "the publisher was stopped by an admin");
    else if (reported !== "live") this.set("stale", now, "the publisher cannot read or write odds right now");
    else if (producer?.state === "down") this.set("stale", now, `the odds producer is down: ${producer.reason ?? "no reason given"}`);
    else this.set("live", now, undefined, staleSports);
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

  /** Broadcasts a change of status, reason or stale sports; `since` moves only with the status. */
  private set(status: FeedState, now: number, reason?: string, sports?: StaleSports): void {
    const listed = sports && Object.keys(sports).length > 0 ? sports : undefined;
    if (this.status.status === status && this.status.reason === reason && sameSports(this.status.sports, listed)) return;
    const since = this.status.status === status ? this.status.since : now;
    this.status = { status, since, ...(reason ? { reason } : {}), ...(listed ? { sports: listed } : {}) };
    this.onChange(this.status);
  }
}

function sameSports(a: StaleSports | undefined, b: StaleSports | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

import type { Redis } from "ioredis";
import { CHANNELS, type FeedState, type FeedStatusMessage, KEYS, SourceReport, type SourceSummary, parseJson } from "../protocol";
import { type DesiredState, freshWithinMs } from "./control";

/** What the feed's state is judged from. */
export interface FeedView {
  /** The decision followed (null: not read yet). */
  desired: DesiredState | null;
  /** Whether steps are failing now. */
  failing: boolean;
  /** When the last successful step ended, ms since epoch (null: none yet). */
  lastTickAt: number | null;
  intervalMs: number;
}

/**
 * The feed's state as relays show it: `stopped` when an admin stopped it; `stale` while steps
 * fail, before the decision is read, or when the last successful step is older than
 * `freshWithinMs(intervalMs)`; `live` otherwise. `now` in ms since epoch.
 */
export function feedState(view: FeedView, now: number): FeedState {
  if (view.desired === "stopped") return "stopped";
  if (view.desired === null || view.failing) return "stale";
  return view.lastTickAt !== null && now - view.lastTickAt < freshWithinMs(view.intervalMs) ? "live" : "stale";
}

/** The heartbeat's parts that are not the publisher's own: the producer's liveness, as last judged. */
export interface ProducerPart {
  heartbeat(now: number): Pick<FeedStatusMessage, "producer" | "staleSports">;
}

/**
 * Tells relays the feed is alive (or deliberately stopped), so they can flag silence as stale:
 * `feed:status` on `sports-odds`, every control step (`heartbeatMs` apart), with the external odds
 * source's state and the producer's, judged from `current()` when it is sent. Best effort: a lost heartbeat is the silence relays watch for.
 */
export async function sendHeartbeat(redis: Redis, current: () => FeedView, heartbeatMs: number, producer: ProducerPart): Promise<void> {
  const source = await readSourceSummary(redis);
  const now = Date.now();
  const view = current();
  const message: FeedStatusMessage = {
    v: 1,
    type: "feed:status",
    status: feedState(view, now),
    ts: now,
    intervalMs: view.intervalMs,
    heartbeatMs,
    ...(source ? { source } : {}),
    ...producer.heartbeat(now),
  };
  await redis.publish(CHANNELS.sportsOdds, JSON.stringify(message)).catch(() => {});
}

/**
 * The external odds source's state for the heartbeat, or null when none reports (the simulator
 * writes no report; a poller's report expires seconds after its last write). A report that does
 * not parse counts as a stale source rather than a healthy one.
 */
async function readSourceSummary(redis: Redis): Promise<SourceSummary | null> {
  const raw = await redis.get(KEYS.sourceStatus).catch(() => null);
  if (raw === null) return null;
  const parsed = parseJson(SourceReport, raw);
  if (!parsed.ok) return { state: "stale", reason: "the odds source's report is unreadable" };
  return { state: parsed.message.state, reason: parsed.message.reason };
}

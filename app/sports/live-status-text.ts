import type { ConnectionStatus } from "@/lib/live/connection";
import type { ErrorPayload } from "@/lib/protocol";

export interface StatusText {
  tone: "pending" | "bad" | "good";
  label: string;
  /** One sentence for the bettor, or null when the label says it all. */
  detail: string | null;
}

/**
 * What the live badge says about a connection, for the sport on screen (null: none). While
 * reconnecting it says why, when the relay gave a reason: a page cut for falling behind
 * (`slow_consumer`) or refused at a connection limit is told so, rather than a bare
 * "Reconnecting…". A live feed whose prices for this sport nobody vouches for is Stale, with why.
 */
export function statusText(status: ConnectionStatus | null, sport: string | null = null): StatusText {
  if (!status || status.state === "connecting") return { tone: "pending", label: "Connecting…", detail: null };
  if (status.state === "reconnecting") return { tone: "pending", label: "Reconnecting…", detail: reconnectReason(status.relayError) };
  if (status.state === "offline") return { tone: "bad", label: "Offline", detail: "Cannot reach the live server; prices shown may be out of date. Retrying." };
  if (status.feed?.status === "stale")
    return { tone: "bad", label: "Stale", detail: `Prices may be out of date: ${status.feed.reason ?? "the feed is quiet"}.` };
  if (status.feed?.status === "stopped") return { tone: "pending", label: "Paused", detail: "Price updates are paused by the operator." };
  const sportStale = sport === null ? undefined : status.feed?.sports?.[sport];
  if (sportStale) return { tone: "bad", label: "Stale", detail: `Prices of this sport may be out of date: ${sportStale}.` };
  return { tone: "good", label: "Live", detail: null };
}

function reconnectReason(error: ErrorPayload | null): string | null {
  if (error?.code === "slow_consumer") return "This page fell behind the live prices and was disconnected; catching up.";
  if (error?.code === "too_many_connections") return `The live server is full: ${error.message}.`;
  return null;
}

"use client";

import type { ConnectionStatus, LiveConnection } from "@/lib/live/connection";
import { useConnectionStatus } from "@/lib/live/hooks";
import { statusText } from "./live-status-text";
import { Ago, ClockTime } from "./time";

/**
 * The live / reconnecting / offline indicator, with feed freshness (for the whole feed, and for
 * `sport`, the one on screen), last update and latency.
 */
export function LiveStatus({ connection, sport }: { connection: LiveConnection | null; sport: string | null }) {
  if (!connection) return <StatusView status={null} sport={sport} />;
  return <ConnectedStatus connection={connection} sport={sport} />;
}

function ConnectedStatus({ connection, sport }: { connection: LiveConnection; sport: string | null }) {
  return <StatusView status={useConnectionStatus(connection)} sport={sport} />;
}

function StatusView({ status, sport }: { status: ConnectionStatus | null; sport: string | null }) {
  const { tone, label, detail } = statusText(status, sport);
  const sportStale = sport !== null && status?.feed?.status === "live" && status.feed.sports?.[sport] !== undefined;
  return (
    <div
      className={`live-status ${tone}`}
      data-connection={status?.state ?? "connecting"}
      data-feed={status?.feed?.status ?? "unknown"}
      data-sport-stale={sportStale ? "true" : undefined}
      role="status"
      aria-live="polite"
    >
      <span className="dot" aria-hidden />
      <strong>{label}</strong>
      {status?.lastUpdateAt && (
        <span className="meta">
          updated <ClockTime at={status.lastUpdateAt} /> (<Ago at={status.lastUpdateAt} />)
        </span>
      )}
      {status?.latencyMs !== null && status?.latencyMs !== undefined && (
        <span className="meta" data-latency={status.latencyMs} title="Median time from a price changing in the database to this page receiving it">
          latency {status.latencyMs} ms
        </span>
      )}
      {detail && <span className="detail">{detail}</span>}
    </div>
  );
}

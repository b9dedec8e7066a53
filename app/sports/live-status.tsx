"use client";

import type { ConnectionStatus, LiveConnection } from "../../lib/live/connection";
import { useConnectionStatus } from "../../lib/live/hooks";
import { statusText } from "./live-status-text";
import { Ago, ClockTime } from "./time";

/** The live / reconnecting / offline indicator, with feed freshness, last update and latency. */
export function LiveStatus({ connection }: { connection: LiveConnection | null }) {
  if (!connection) return <StatusView status={null} />;
  return <ConnectedStatus connection={connection} />;
}

function ConnectedStatus({ connection }: { connection: LiveConnection }) {
  return <StatusView status={useConnectionStatus(connection)} />;
}

function StatusView({ status }: { status: ConnectionStatus | null }) {
  const { tone, label, detail } = statusText(status);
  return (
    <div className={`live-status ${tone}`} data-connection={status?.state ?? "connecting"} data-feed={status?.feed?.status ?? "unknown"} role="status" aria-live="polite">
      <span className="dot" aria-hidden />
      <strong>{label}</strong>
      {status?.lastUpdateAt && (
        <span className="meta">
          updated <ClockTime at={status.lastUpdateAt} /> (<Ago at={status.lastUpdateAt} />)
        </span>
      )}
      {status?.latencyMs !== null && status?.latencyMs !== undefined && <span className="meta" data-latency={status.latencyMs} title="Median time from a price changing in the database to this page receiving it">latency {status.latencyMs} ms</span>}
      {detail && <span className="detail">{detail}</span>}
    </div>
  );
}

import { memo } from "react";
import type { AdminFeed } from "./use-admin-feed";

/**
 * The admin feed, newest first: the audit log's latest entries, then what is pushed live. Each
 * line says where the console had it from (`data-source`) and, for an admin action, its audit
 * entry (`data-audit-id`). `data-history-reads` counts the readings of the log that answered.
 */
export const AdminFeedList = memo(function AdminFeedList({ feed }: { feed: AdminFeed }) {
  const { items, listening, error, history, historyReads } = feed;
  const today = new Date().toISOString().slice(0, 10);
  return (
    <section className="admin-panel admin-feed-panel" aria-label="Admin events">
      <h2>
        Admin events{" "}
        <span className={`feed-state ${listening ? "good" : "muted"}`} data-testid="admin-feed-state" data-listening={listening}>
          {listening ? "live" : "connecting…"}
        </span>
      </h2>
      {error && !listening && <p className="muted">{error}</p>}
      {history === "failed" && <p className="muted">The audit log could not be read: only events from now on show here.</p>}
      <ol className="admin-feed" data-testid="admin-feed" data-history={history} data-history-reads={historyReads}>
        {items.map((item) => (
          <li
            key={item.key}
            data-testid="admin-event"
            data-kind={item.kind}
            data-source={item.source}
            data-audit-id={item.auditId ?? undefined}
            className={`admin-event ${item.kind}`}
          >
            <time dateTime={new Date(item.ts).toISOString()}>{clock(item.ts, today)}</time> {item.text}
          </li>
        ))}
      </ol>
      {items.length === 0 && <p className="muted">{history === "loading" ? "Reading the audit log…" : "Nothing yet."}</p>}
    </section>
  );
});

/** A time of day (UTC), with the date in front when it is not `today` (YYYY-MM-DD): the history may be older. */
function clock(ts: number, today: string): string {
  const iso = new Date(ts).toISOString();
  return iso.slice(0, 10) === today ? iso.slice(11, 19) : `${iso.slice(5, 10)} ${iso.slice(11, 19)}`;
}

import { describeAdminEvent } from "./event-line";
import type { Received } from "./use-admin-feed";

/** The admin events pushed since the page opened, newest first. */
export function AdminFeedList({ events, listening, error }: { events: Received[]; listening: boolean; error: string | null }) {
  return (
    <section className="admin-panel admin-feed-panel" aria-label="Admin events">
      <h2>
        Admin events <span className={`feed-state ${listening ? "good" : "muted"}`} data-testid="admin-feed-state" data-listening={listening}>{listening ? "live" : "connecting…"}</span>
      </h2>
      {error && !listening && <p className="muted">{error}</p>}
      <ol className="admin-feed" data-testid="admin-feed">
        {events.map(({ n, event }) => (
          <li key={n} data-testid="admin-event" data-kind={event.kind} className={`admin-event ${event.kind}`}>
            <time dateTime={new Date(event.ts).toISOString()}>{new Date(event.ts).toISOString().slice(11, 19)}</time> {describeAdminEvent(event)}
          </li>
        ))}
      </ol>
      {events.length === 0 && <p className="muted">Nothing yet. Only events from now on show here (no history is loaded).</p>}
    </section>
  );
}

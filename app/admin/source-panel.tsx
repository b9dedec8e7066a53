import type { SourceState } from "../../lib/protocol/admin-overview";
import { duration } from "./event-line";

/**
 * The odds sources. Credits, breaker and staleness show only for a source that reports them (The
 * Odds API poller will); the simulator reports none, and nothing is shown in their place.
 */
export function SourcePanel({ sources, now }: { sources: SourceState[]; now: number }) {
  return (
    <section className="admin-panel" aria-label="Odds sources">
      <h2>Odds sources</h2>
      <ul className="sources" data-testid="sources">
        {sources.map((source) => (
          <li key={source.id} data-source={source.id}>
            <strong>{source.name}</strong> <span className={source.enabled ? "good" : "muted"}>{source.enabled ? "on" : "off"}</span>
            {source.detail && <span className="muted"> · {source.detail}</span>}
            <dl className="facts">
              {source.quota && (
                <>
                  <dt>Credits</dt>
                  <dd>
                    {source.quota.used} used, {source.quota.remaining} left
                  </dd>
                </>
              )}
              {source.breaker && (
                <>
                  <dt>Breaker</dt>
                  <dd className={source.breaker.state === "closed" ? "good" : "bad"}>
                    {source.breaker.state.replace("_", "-")}
                    {source.breaker.reason ? ` (${source.breaker.reason})` : ""}
                  </dd>
                </>
              )}
              {source.lastDataAt !== null && (
                <>
                  <dt>Last data</dt>
                  <dd>{duration(Math.max(0, now - source.lastDataAt))} ago</dd>
                </>
              )}
            </dl>
            {!source.quota && !source.breaker && source.lastDataAt === null && <p className="muted">Reports no credits, breaker or freshness.</p>}
          </li>
        ))}
      </ul>
    </section>
  );
}

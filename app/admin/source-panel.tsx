import type { ProducerStatus, SourceState } from "@/lib/protocol/admin-overview";
import { duration } from "./event-line";

/**
 * The odds sources, and the expected producer's liveness as the publisher judges it from the
 * producers' heartbeats (null when the publisher's status could not be read). Credits, breaker
 * and staleness show only for a source that reports them (The Odds API poller); the simulator
 * reports none, and nothing is shown in their place.
 */
export function SourcePanel({ sources, producer, now }: { sources: SourceState[]; producer: ProducerStatus | null; now: number }) {
  return (
    <section className="admin-panel" aria-label="Odds sources">
      <h2>Odds sources</h2>
      {producer && <ProducerFacts producer={producer} now={now} />}
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

const STATE_TEXT = { up: "up", down: "down", none: "none expected" } as const;

/** The producer's state, why, since when, its stale sports and every instance's last heartbeat. */
function ProducerFacts({ producer, now }: { producer: ProducerStatus; now: number }) {
  const stale = Object.entries(producer.staleSports);
  return (
    <dl className="facts" data-testid="producer" data-producer-state={producer.state}>
      <dt>Producer</dt>
      <dd className={producer.state === "down" ? "bad" : producer.state === "up" ? "good" : "muted"}>
        {producer.expected ?? "none"}: {STATE_TEXT[producer.state]}
        {producer.reason ? ` (${producer.reason})` : ""}
        {producer.since ? `, for ${duration(Math.max(0, now - Date.parse(producer.since)))}` : ""}
        {producer.judgedBy === null && producer.state !== "none" ? " · judged from the heartbeats: no publisher vouches right now" : ""}
      </dd>
      {stale.length > 0 && (
        <>
          <dt>Stale sports</dt>
          <dd className="bad">{stale.map(([sport, reason]) => `${sport} (${reason})`).join("; ")}</dd>
        </>
      )}
      {producer.instances.map((instance) => (
        <InstanceFacts key={`${instance.producer}:${instance.instanceId}`} instance={instance} now={now} />
      ))}
    </dl>
  );
}

function InstanceFacts({ instance, now }: { instance: ProducerStatus["instances"][number]; now: number }) {
  const produced =
    instance.lastProducedAt === null ? "nothing produced yet" : `produced ${duration(Math.max(0, now - Date.parse(instance.lastProducedAt)))} ago`;
  return (
    <>
      <dt>{instance.producer}</dt>
      <dd className={instance.state === "ok" ? undefined : "bad"}>
        {instance.instanceId} · {instance.role} · beat {duration(instance.ageMs)} ago · {produced}
        {instance.state === "ok" ? "" : ` · ${instance.state}${instance.reason ? `: ${instance.reason}` : ""}`}
      </dd>
    </>
  );
}

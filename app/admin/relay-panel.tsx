import type { AdminOverview } from "@/lib/protocol/admin-overview";
import { duration } from "./event-line";

/** Every relay instance with its connections, from the relay's /health (`cluster`: all instances on this Redis). */
export function RelayPanel({ relay }: { relay: AdminOverview["relay"] }) {
  return (
    <section className="admin-panel" aria-label="Relay">
      <h2>Relay</h2>
      {relay.ok ? (
        <>
          <p className="muted">
            {relay.health.cluster.instances.length} instance{relay.health.cluster.instances.length === 1 ? "" : "s"}, {relay.health.cluster.connections}{" "}
            connection{relay.health.cluster.connections === 1 ? "" : "s"}; feed {relay.health.feed.status}
            {relay.health.cluster.complete ? "" : " (some instances did not answer in time)"}
          </p>
          <table className="relay-instances" data-testid="relay-instances" data-reachable="true">
            <thead>
              <tr>
                <th>Instance</th>
                <th>Status</th>
                <th>Connections</th>
                <th>Up</th>
              </tr>
            </thead>
            <tbody>
              {relay.health.cluster.instances.map((instance) => (
                <tr key={instance.instanceId} data-instance={instance.instanceId} data-connections={instance.connections}>
                  <td>{instance.instanceId}</td>
                  <td className={instance.status === "ok" ? "good" : "bad"}>{instance.status}</td>
                  <td>{instance.connections}</td>
                  <td>{duration(instance.uptimeSec * 1_000)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : (
        <p className="notice problem" data-testid="relay-instances" data-reachable="false">
          Relay at {relay.url} is unreachable: {relay.error}
        </p>
      )}
    </section>
  );
}

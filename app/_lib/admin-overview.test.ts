import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { readRelay } from "./admin-overview";

/** The relay's /health as the overview reads it, against a stand-in HTTP server. */
describe("readRelay", () => {
  let server: Server | null = null;
  afterEach(
    () =>
      new Promise<void>((resolve) => {
        if (!server) return resolve();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );

  const serve = (handler: Parameters<typeof createServer>[1]) =>
    new Promise<string>((resolve) => {
      const created = createServer(handler);
      server = created;
      created.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(created.address() as AddressInfo).port}`));
    });

  const instance = { instanceId: "relay-a", status: "ok", connections: 3, uptimeSec: 10 };
  const health = {
    ...instance,
    redis: { commands: "ready", subscriber: "ready" },
    feed: { status: "live", since: 1 },
    sports: [],
    cluster: { instances: [instance, { ...instance, instanceId: "relay-b", connections: 2 }], connections: 5, complete: true },
  };

  it("lists every instance of the cluster, even from a 503 (degraded) answer", async () => {
    const url = await serve((_req, res) => res.writeHead(503, { "content-type": "application/json" }).end(JSON.stringify({ ...health, status: "degraded" })));
    const relay = await readRelay(url);
    expect(relay).toMatchObject({ ok: true, health: { status: "degraded", cluster: { connections: 5 } } });
    expect(relay.ok && relay.health.cluster.instances.map((i) => i.instanceId)).toEqual(["relay-a", "relay-b"]);
  });

  it("gives up on a relay that does not answer in time, and says so", async () => {
    const url = await serve(() => {}); // accepts, never answers
    expect(await readRelay(url, 200)).toEqual({ ok: false, url, error: "no answer within 200 ms" });
  });

  it("says unreachable when nothing listens, and refuses a body that is not a health report", async () => {
    expect(await readRelay("http://127.0.0.1:1", 500)).toMatchObject({ ok: false, error: "unreachable" });
    const url = await serve((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"hello":"world"}'));
    expect(await readRelay(url)).toMatchObject({ ok: false, error: "answered something that is not its health report" });
  });
});

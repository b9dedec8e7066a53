import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHANNELS, KEYS } from "../../lib/protocol";
import { type ConnectOptions, type TestClient, connectClient } from "../support/client";
import { until } from "../support/full-stack";
import { scrapeSample } from "../support/metrics";
import { type RedisService, startRedisServer } from "../support/services";
import { type RelayProc, startRelay } from "../support/stack";

/**
 * Connection limits on real relay processes: one counting by socket address (the proxy header
 * ignored), one behind a "trusted proxy" so X-Forwarded-For stands for distinct clients.
 */
describe("relay connection limits", () => {
  let redis: RedisService;
  let bus: Redis;
  let byAddress: RelayProc;
  let behindProxy: RelayProc;
  const clients: TestClient[] = [];

  const connect = async (relay: RelayProc, options: ConnectOptions = {}) => {
    const client = await connectClient(relay.url, options);
    clients.push(client);
    await client.emit("subscribe", { sports: ["soccer_epl"], events: ["e1"] });
    return client;
  };

  /** The handshake's refusal as the client sees it in `connect_error`. */
  const refusal = (relay: RelayProc, options: ConnectOptions = {}) =>
    connectClient(relay.url, options).then(
      (client) => {
        client.close();
        throw new Error("the connection was admitted");
      },
      (error: Error & { data?: unknown }) => ({ message: error.message, data: error.data }),
    );

  beforeAll(async () => {
    redis = await startRedisServer();
    bus = new Redis(redis.url);
    await bus.sadd(KEYS.sports, "soccer_epl");
    await bus.set(KEYS.sportSeq("soccer_epl"), 1);
    [byAddress, behindProxy] = await Promise.all([
      startRelay(redis.url, { RELAY_MAX_CONNECTIONS_PER_IP: "3" }),
      startRelay(redis.url, { RELAY_MAX_CONNECTIONS: "5", RELAY_MAX_CONNECTIONS_PER_IP: "3", RELAY_TRUST_PROXY: "true" }),
    ]);
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await Promise.all([byAddress?.stop(), behindProxy?.stop()]);
    bus?.disconnect();
    await redis?.stop();
  });

  it("refuses the 4th connection from one address, keeps the 3, and admits again once one leaves", async () => {
    const held = [await connect(byAddress), await connect(byAddress), await connect(byAddress)];
    const refused = await refusal(byAddress);
    expect(refused).toEqual({
      message: "too_many_connections",
      data: { code: "too_many_connections", message: expect.stringContaining("at most 3 connections per address") },
    });
    // Without RELAY_TRUST_PROXY a forwarded-for header cannot make the same host look like another.
    expect((await refusal(byAddress, { headers: { "x-forwarded-for": "198.51.100.1" } })).data).toMatchObject({ code: "too_many_connections" });
    await expectMarker(held, "held-1");
    expect(await scrapeSample(byAddress.url, "relay_connections_refused_total", 'reason="address"')).toBe(2);

    held.shift()?.close();
    await until(async () => (await scrapeSample(byAddress.url, "relay_connections")) === 2, 10_000, "the relay to see the disconnect");
    held.push(await connect(byAddress));
    await expectMarker(held, "held-2");
    expect((await refusal(byAddress)).data).toMatchObject({ code: "too_many_connections" }); // full again
  });

  it("behind a trusted proxy counts each forwarded address, and refuses the 6th connection of a relay holding 5", async () => {
    const from = (address: string) => ({ headers: { "x-forwarded-for": address } });
    const held = [await connect(behindProxy, from("10.0.0.1")), await connect(behindProxy, from("10.0.0.1")), await connect(behindProxy, from("10.0.0.1"))];
    expect((await refusal(behindProxy, from("10.0.0.1"))).data).toMatchObject({
      code: "too_many_connections",
      message: expect.stringContaining("per address"),
    });
    held.push(await connect(behindProxy, from("10.0.0.2")), await connect(behindProxy, from("10.0.0.3")));
    expect(await refusal(behindProxy, from("10.0.0.4"))).toEqual({
      message: "too_many_connections",
      data: { code: "too_many_connections", message: "this relay holds its maximum of 5 connections; try again shortly" },
    });
    await expectMarker(held, "full-relay");
    expect(await scrapeSample(behindProxy.url, "relay_connections_refused_total", 'reason="instance"')).toBe(1);
    expect(await scrapeSample(behindProxy.url, "relay_connections_refused_total", 'reason="address"')).toBe(1);
  });

  /** Publishes a chat message in e1's room and waits until every client has it. */
  async function expectMarker(targets: TestClient[], text: string) {
    await bus.publish(
      CHANNELS.chatMessages,
      JSON.stringify({ v: 1, type: "chat:message", id: text, eventId: "e1", user: { id: "test", name: "test" }, text, ts: Date.now() }),
    );
    for (const client of targets) expect(await client.waitFor("chat:message", (m) => m.text === text)).toMatchObject({ text });
  }
});

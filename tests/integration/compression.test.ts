import { randomBytes } from "node:crypto";
import http from "node:http";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHANNELS, KEYS, packDelta } from "../../lib/protocol";
import { eventOdds } from "../../lib/protocol/test-events";
import { type TestClient, connectClient } from "../support/client";
import { type CountingProxy, startCountingProxy } from "../support/counting-proxy";
import { type RedisService, startRedisServer } from "../support/services";
import { type RelayProc, startRelay } from "../support/stack";

const SPORT = "soccer_epl";
const EVENT_IDS = Array.from({ length: 200 }, (_, i) => `e${i}`);
/** The offers browsers send: Chromium names client_max_window_bits, Firefox sends the bare extension. */
const CHROMIUM_OFFER = "permessage-deflate; client_max_window_bits";
const FIREFOX_OFFER = "permessage-deflate";

/**
 * WebSocket compression on real relay processes: what the relay answers to a browser's offer, and
 * what a delta really costs on the wire (counted by a TCP proxy between client and relay) against
 * its JSON, with compression on and off.
 */
describe("relay compression", () => {
  let redis: RedisService;
  let bus: Redis;
  let compressed: RelayProc;
  let plain: RelayProc;
  let seq = 1;
  const clients: TestClient[] = [];
  const proxies: CountingProxy[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    bus = new Redis(redis.url);
    await bus.sadd(KEYS.sports, SPORT);
    await bus.set(KEYS.sportSeq(SPORT), seq);
    await bus.hset(KEYS.sportState(SPORT), Object.fromEntries(EVENT_IDS.map((id) => [id, JSON.stringify(eventOdds(id))])));
    [compressed, plain] = await Promise.all([
      startRelay(redis.url, { RELAY_COMPRESSION: "on", RELAY_COMPRESSION_WINDOW_BITS: "12", RELAY_COMPRESSION_CONTEXT_TAKEOVER: "false" }),
      startRelay(redis.url, { RELAY_COMPRESSION: "off" }),
    ]);
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    for (const proxy of proxies) await proxy.close();
    await Promise.all([compressed?.stop(), plain?.stop()]);
    bus?.disconnect();
    await redis?.stop();
  });

  it("accepts Chromium's and Firefox's permessage-deflate offers with the configured window", async () => {
    const expected = "permessage-deflate; server_no_context_takeover; server_max_window_bits=12";
    expect(await handshake(compressed, CHROMIUM_OFFER)).toEqual({ status: 101, extensions: expected });
    expect(await handshake(compressed, FIREFOX_OFFER)).toEqual({ status: 101, extensions: expected });
  });

  it("with RELAY_COMPRESSION=off, connects the same offer without the extension", async () => {
    expect(await handshake(plain, CHROMIUM_OFFER)).toEqual({ status: 101, extensions: undefined });
  });

  it("delivers a snapshot and a large delta intact, in a fraction of their JSON bytes on the wire", async () => {
    const { client, proxy } = await subscribedClient(compressed);
    const { bytes, delta, changes } = await deltaOnTheWire(client, proxy);
    expect(delta.changes).toEqual(changes);
    expect(bytes.wire).toBeLessThan(bytes.json / 3);
  });

  it("with RELAY_COMPRESSION=off, a delta costs at least its JSON bytes on the wire", async () => {
    const { client, proxy } = await subscribedClient(plain);
    const { bytes, delta, changes } = await deltaOnTheWire(client, proxy);
    expect(delta.changes).toEqual(changes);
    expect(bytes.wire).toBeGreaterThanOrEqual(bytes.json);
  });

  /** A socket.io client behind a counting proxy, holding the whole sport from its snapshot. */
  async function subscribedClient(relay: RelayProc): Promise<{ client: TestClient; proxy: CountingProxy }> {
    const proxy = await startCountingProxy(relay.port);
    proxies.push(proxy);
    const client = await connectClient(proxy.url);
    clients.push(client);
    expect(await client.emit("subscribe", { sports: [SPORT] })).toMatchObject({ ok: true });
    const snapshot = await client.waitFor("odds:snapshot");
    expect(snapshot.events.map((e) => e.id).sort()).toEqual([...EVENT_IDS].sort());
    expect(snapshot.events[0]).toEqual(eventOdds(snapshot.events[0]?.id ?? ""));
    return { client, proxy };
  }

  /** Publishes a delta moving three fields of every event, and counts what the client received for it. */
  async function deltaOnTheWire(client: TestClient, proxy: CountingProxy) {
    seq += 1;
    const next = seq;
    const changes = EVENT_IDS.flatMap((eventId) => {
      const price = 1.5 + randomBytes(1)[0]! / 100;
      return [
        { eventId, path: "markets.h2h.outcomes.home.price", value: price },
        { eventId, path: "markets.h2h.outcomes.home.fair", value: Math.round(10_000 / price) / 10_000 },
        { eventId, path: "markets.h2h.outcomes.home.best", value: { book: "pinnacle", price: price + 0.05 } },
      ];
    });
    const before = proxy.bytes().down;
    await bus.set(KEYS.sportSeq(SPORT), next);
    await bus.publish(CHANNELS.sportsOdds, JSON.stringify({ v: 1, type: "odds:delta", sport: SPORT, seq: next, prevSeq: next - 1, ts: Date.now(), changes }));
    const delta = await client.waitFor("odds:delta", (d) => d.seq === next);
    // Everything the client has read went through the proxy first, so the count covers the delta.
    const wire = proxy.bytes().down - before;
    // The JSON of what the relay sent: the packed wire form of the delta.
    const json = Buffer.byteLength(`42${JSON.stringify(["odds:delta", packDelta(delta)])}`);
    return { delta, changes, bytes: { wire, json } };
  }
});

/** The relay's answer to a WebSocket upgrade carrying `offer`, as a browser would send it. */
function handshake(relay: RelayProc, offer: string): Promise<{ status: number; extensions: string | undefined }> {
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: "127.0.0.1",
      port: relay.port,
      path: "/socket.io/?EIO=4&transport=websocket",
      headers: {
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": randomBytes(16).toString("base64"),
        "sec-websocket-extensions": offer,
      },
    });
    request.once("upgrade", (response, socket) => {
      socket.destroy();
      resolve({ status: response.statusCode ?? 0, extensions: response.headers["sec-websocket-extensions"] });
    });
    request.once("response", (response) => {
      response.resume();
      resolve({ status: response.statusCode ?? 0, extensions: response.headers["sec-websocket-extensions"] });
    });
    request.once("error", reject);
    request.end();
  });
}

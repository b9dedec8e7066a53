import type { Browser } from "playwright";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type WireDelta, unpackDelta } from "../../lib/protocol";
import { eventOdds } from "../../lib/protocol/test-events";
import { BoardWriter, wholeEvents } from "../support/board-writer";
import { launchBrowser } from "../support/browser";
import { type CountingProxy, startCountingProxy } from "../support/counting-proxy";
import { type RedisService, startRedisServer } from "../support/services";
import { type RelayProc, startRelay } from "../support/stack";

const SPORT = "soccer_epl";
const EVENT_IDS = Array.from({ length: 200 }, (_, i) => `e${i}`);

interface PageResult {
  extensions: string;
  snapshotEvents: number;
  delta: WireDelta;
}

/**
 * Chromium against real relays, with Socket.IO's own browser client (served by the relay): the
 * browser negotiates permessage-deflate by itself when the relay offers it, and the snapshot and a
 * large delta arrive intact, in fewer bytes on the wire (counted by a TCP proxy) than their JSON.
 * Needs no web app: the page is the relay's client script.
 */
describe("compression in Chromium", () => {
  let redis: RedisService;
  let bus: Redis;
  let browser: Browser;
  let writer: BoardWriter;
  const relays: RelayProc[] = [];
  const proxies: CountingProxy[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    bus = new Redis(redis.url);
    await BoardWriter.lead(bus);
    writer = new BoardWriter(bus, SPORT);
    await writer.commit(wholeEvents(EVENT_IDS.map((id) => eventOdds(id))));
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    for (const proxy of proxies) await proxy.close();
    await Promise.all(relays.map((relay) => relay.stop()));
    bus?.disconnect();
    await redis?.stop();
  });

  it("negotiates the relay's default settings when on, and the delta arrives intact in a fraction of its JSON", async () => {
    const { result, wire, json, changes } = await deltaInChromium({ RELAY_COMPRESSION: "on" });
    expect(result.extensions).toBe("permessage-deflate; server_max_window_bits=12");
    expect(result.snapshotEvents).toBe(EVENT_IDS.length);
    expect(unpackDelta(result.delta).changes).toEqual(changes);
    expect(wire).toBeLessThan(json / 3);
  });

  it("negotiates nothing with RELAY_COMPRESSION=off, and the delta costs at least its JSON", async () => {
    const { result, wire, json, changes } = await deltaInChromium({ RELAY_COMPRESSION: "off" });
    expect(result.extensions).toBe("");
    expect(unpackDelta(result.delta).changes).toEqual(changes);
    expect(wire).toBeGreaterThanOrEqual(json);
  });

  /** A page subscribed through a counting proxy to a relay with `env`; then one large delta. */
  async function deltaInChromium(env: Record<string, string>) {
    const relay = await startRelay(redis.url, { ...env, RELAY_ALLOWED_ORIGINS: "*" });
    relays.push(relay);
    const proxy = await startCountingProxy(relay.port);
    proxies.push(proxy);
    const page = await browser.newPage();
    await page.goto(`${relay.url}/socket.io/socket.io.js`);
    await page.addScriptTag({ url: `${relay.url}/socket.io/socket.io.js` });
    await page.evaluate(subscribeInPage, { url: proxy.url, sport: SPORT });
    const changes = EVENT_IDS.flatMap((eventId, i) => [
      { eventId, path: "markets.h2h.outcomes.home.price", value: 1.5 + (i % 50) / 100 },
      { eventId, path: "markets.h2h.outcomes.home.best", value: { book: "pinnacle", price: 1.6 + (i % 40) / 100 } },
    ]);
    const before = proxy.bytes().down;
    await writer.commit(changes);
    const result = await page.evaluate(() => (window as unknown as { delta: Promise<PageResult> }).delta);
    const wire = proxy.bytes().down - before;
    await page.close();
    return { result, changes, wire, json: Buffer.byteLength(`42${JSON.stringify(["odds:delta", result.delta])}`) };
  }
});

/**
 * Runs in the page: connects with the relay's socket.io client, subscribes, and leaves on
 * `window.delta` the first delta after the snapshot with the negotiated extensions.
 */
function subscribeInPage({ url, sport }: { url: string; sport: string }): Promise<void> {
  type PageSocket = {
    on(event: string, listener: (payload: never) => void): void;
    emit(event: string, payload: unknown, ack: () => void): void;
    io: { engine: { transport: { ws: WebSocket } } };
  };
  const page = window as unknown as { io(url: string, options: object): PageSocket; delta: Promise<PageResult> };
  const socket = page.io(url, { transports: ["websocket"] });
  page.delta = new Promise((resolve) => {
    socket.on("odds:snapshot", (snapshot: { events: unknown[] }) => {
      socket.on("odds:delta", (delta: WireDelta) =>
        resolve({ extensions: socket.io.engine.transport.ws.extensions, snapshotEvents: snapshot.events.length, delta }),
      );
    });
  });
  return new Promise((resolve) => socket.on("connect", () => socket.emit("subscribe", { sports: [sport] }, () => resolve())));
}

// Over 300 lines: the relay's protocol message by message, against one relay process.
import { SignJWT } from "jose";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHANNELS, KEYS, LIMITS, RELAY_TOKEN_AUDIENCE, RELAY_TOKEN_ISSUER } from "../../lib/protocol";
import { eventOdds, market, outcome } from "../../lib/protocol/test-events";
import { type TestClient, connectClient } from "../support/client";
import type { ClusterView } from "../../vps/cluster";
import { until } from "../support/full-stack";
import { type RedisService, startRedisServer } from "../support/services";
import { type RelayProc, TEST_JWT_SECRET, startRelay } from "../support/stack";

/** The relay process on a real Redis, driven by real socket.io clients. No publisher: we publish by hand. */
describe("relay", () => {
  let redis: RedisService;
  let bus: Redis;
  let relay: RelayProc;
  const clients: TestClient[] = [];

  const connect = async (options: Parameters<typeof connectClient>[1] = {}) => {
    const client = await connectClient(relay.url, options);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    redis = await startRedisServer();
    bus = new Redis(redis.url);
    // A sport with one event, as the publisher would have left it.
    await bus.sadd(KEYS.sports, "soccer_epl", "basketball_nba");
    await bus.set(KEYS.sportSeq("soccer_epl"), 7);
    await bus.hset(KEYS.sportState("soccer_epl"), "e1", JSON.stringify(event("e1")));
    relay = await startRelay(redis.url, { RELAY_RATE_PER_SEC: "5", RELAY_RATE_BURST: "10", RELAY_MAX_SUBSCRIPTIONS: "3" });
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await relay?.stop();
    bus?.disconnect();
    await redis?.stop();
  });

  it("answers a malformed subscribe with an error event and keeps the connection", async () => {
    const client = await connect();
    const ack = await client.emit("subscribe", { sport: "soccer_epl" });
    expect(ack).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
    expect((await client.waitFor("error")).code).toBe("invalid_payload");
    for (const bad of ["not an object", null, { sports: [] }, { sports: ["Soccer EPL!"] }, { sports: ["soccer_epl"], extra: 1 }]) {
      expect(await client.emit("subscribe", bad)).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
    }
    expect(client.socket.connected).toBe(true);
    expect(await client.emit("ping")).toMatchObject({ ok: true });
  });

  it("rejects unknown sports with unknown_sport and joins nothing", async () => {
    const client = await connect();
    const ack = await client.emit("subscribe", { sports: ["soccer_epl", "curling_mars"] });
    expect(ack).toMatchObject({ ok: false, error: { code: "unknown_sport", message: expect.stringContaining("curling_mars") } });
    const ping = await client.emit<{ rooms: string[] }>("ping");
    expect(ping.ok && ping.rooms).toEqual([]);
  });

  it("sends the snapshot with its seq, then only the next deltas", async () => {
    const client = await connect();
    const ack = await client.emit("subscribe", { sports: ["soccer_epl"] });
    expect(ack).toMatchObject({ ok: true, sports: { soccer_epl: { seq: 7 } } });
    const snapshot = await client.waitFor("odds:snapshot");
    expect(snapshot).toMatchObject({ sport: "soccer_epl", seq: 7, events: [{ id: "e1" }] });
    await publishDelta(8, [{ eventId: "e1", path: "markets.h2h.outcomes.home.price", value: 2.3 }]);
    const delta = await client.waitFor("odds:delta");
    expect(delta).toMatchObject({ sport: "soccer_epl", seq: 8, prevSeq: 7, changes: [{ eventId: "e1", path: "markets.h2h.outcomes.home.price", value: 2.3 }] });
  });

  it("drops malformed bus messages and keeps relaying good ones", async () => {
    const client = await connect();
    await client.emit("subscribe", { sports: ["soccer_epl"] });
    const { seq } = await client.waitFor("odds:snapshot");
    await bus.publish(CHANNELS.sportsOdds, "{not json");
    await bus.publish(
      CHANNELS.sportsOdds,
      JSON.stringify({
        v: 1,
        type: "odds:delta",
        sport: "soccer_epl",
        seq: seq + 1,
        prevSeq: seq,
        ts: Date.now(),
        changes: [{ eventId: "e1", path: "markets.h2h.outcomes.home.price", value: "a lot" }],
      }),
    );
    await bus.publish(CHANNELS.userUpdates, JSON.stringify({ v: 2, type: "user:update" }));
    await publishDelta(seq + 1, [{ eventId: "e1", path: "status", value: "suspended" }]);
    const delta = await client.waitFor("odds:delta", (d) => d.seq === seq + 1);
    expect(delta.changes).toEqual([{ eventId: "e1", path: "status", value: "suspended" }]);
    const health = await (await fetch(`${relay.url}/health`)).json();
    expect(health).toMatchObject({
      status: "ok",
      sports: expect.arrayContaining([{ sport: "soccer_epl", seq: seq + 1, events: 1, recent: expect.any(Number) }]),
    });
  });

  it("rate-limits a flood with rate_limited errors, without crashing", async () => {
    const client = await connect();
    const acks = await Promise.all(Array.from({ length: 40 }, () => client.emit("ping")));
    const limited = acks.filter((a) => !a.ok && a.error.code === "rate_limited");
    expect(limited.length).toBeGreaterThan(20);
    expect(acks.filter((a) => a.ok).length).toBeGreaterThanOrEqual(10);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await client.emit("ping")).toMatchObject({ ok: true });
  });

  it("refuses oversized messages and unknown events with an error code", async () => {
    const client = await connect();
    expect(await client.emit("subscribe", { sports: ["soccer_epl"], padding: "x".repeat(20_000) })).toMatchObject({
      ok: false,
      error: { code: "payload_too_large" },
    });
    client.socket.emit("drop_tables" as "ping", () => {});
    expect((await client.waitFor("error", (e) => e.message.includes("drop_tables"))).code).toBe("invalid_payload");
    expect(client.socket.connected).toBe(true);
  });

  it("caps subscriptions per connection", async () => {
    const client = await connect();
    const events = ["a1", "a2", "a3"];
    expect(await client.emit("subscribe", { sports: ["soccer_epl"], events })).toMatchObject({ ok: false, error: { code: "too_many_subscriptions" } });
  });

  it("refuses bad tokens and foreign origins at the handshake", async () => {
    await expect(connectClient(relay.url, { token: "not-a-jwt" })).rejects.toMatchObject({ message: "unauthorized" });
    await expect(connectClient(relay.url, { token: await token("u1", "user", "a-different-secret-of-enough-length!!") })).rejects.toMatchObject({
      message: "unauthorized",
    });
    await expect(connectClient(relay.url, { origin: "http://evil.test" })).rejects.toBeDefined();
    const allowed = await connect({ origin: "http://allowed.test" });
    expect(allowed.socket.connected).toBe(true);
  });

  it("puts a socket only in its own user room, and admins in the admins room", async () => {
    const alice = await connect({ token: await token("alice", "user") });
    const bob = await connect({ token: await token("bob", "user") });
    const admin = await connect({ token: await token("root", "admin") });
    const anonymous = await connect();
    for (const client of [alice, bob, admin, anonymous]) await client.emit("subscribe", { sports: ["soccer_epl"], events: ["e1"] });
    await bus.publish(
      CHANNELS.userUpdates,
      JSON.stringify({ v: 1, type: "user:update", userId: "alice", kind: "balance", balance: 10, balanceEntry: 1, ts: Date.now() }),
    );
    await bus.publish(
      CHANNELS.adminEvents,
      JSON.stringify({ v: 1, type: "admin:event", kind: "publisher_started", data: { intervalMs: 500, by: "admin@example.test" }, ts: Date.now() }),
    );
    expect(await alice.waitFor("user:update")).toMatchObject({ userId: "alice", kind: "balance", balance: 10 });
    expect(await admin.waitFor("admin:event")).toMatchObject({ kind: "publisher_started" });
    // A later message every one of them receives: whatever was meant for them has arrived by then.
    await publishMarker("after-private");
    for (const client of [alice, bob, admin, anonymous]) await client.waitFor("chat:message", (m) => m.text === "after-private");
    expect(bob.of("user:update")).toEqual([]);
    expect(anonymous.of("user:update")).toEqual([]);
    expect(alice.of("admin:event")).toEqual([]);
    expect(anonymous.of("admin:event")).toEqual([]);
  });

  it("refuses tokens without an expiry, or that would live longer than five minutes", async () => {
    await expect(connectClient(relay.url, { token: await token("u1", "user", TEST_JWT_SECRET, null) })).rejects.toMatchObject({ message: "unauthorized" });
    await expect(connectClient(relay.url, { token: await token("u1", "user", TEST_JWT_SECRET, 15 * 60) })).rejects.toMatchObject({ message: "unauthorized" });
    const fine = await connect({ token: await token("u1", "user", TEST_JWT_SECRET, 5 * 60) });
    expect(fine.socket.connected).toBe(true);
  });

  it("a token that runs out ends the private rooms; a fresh one sent with `auth` brings them back", async () => {
    const bettor = await connect({ token: await token("carol", "admin", TEST_JWT_SECRET, 4) });
    await bettor.emit("subscribe", { sports: ["soccer_epl"], events: ["e1"] });
    await publishUserUpdate("carol", 1);
    expect(await bettor.waitFor("user:update")).toMatchObject({ userId: "carol", balance: 1 });
    expect((await bettor.waitFor("error", (e) => e.code === "token_expired", 5_000)).message).toContain("auth");
    await publishUserUpdate("carol", 2);
    await bus.publish(
      CHANNELS.adminEvents,
      JSON.stringify({ v: 1, type: "admin:event", kind: "publisher_stopped", data: { by: "after-expiry" }, ts: Date.now() }),
    );
    await publishMarker("after-expiry");
    await bettor.waitFor("chat:message", (m) => m.text === "after-expiry");
    expect(bettor.of("user:update")).toHaveLength(1); // the second never came
    expect(bettor.of("admin:event").filter((e) => e.kind === "publisher_stopped" && e.data.by === "after-expiry")).toEqual([]);

    const refreshed = await bettor.emit<{ sub: string; expiresAt: string }>("auth", { token: await token("carol", "user") });
    expect(refreshed).toMatchObject({ ok: true, sub: "carol", role: "user" });
    await publishUserUpdate("carol", 3);
    expect(await bettor.waitFor("user:update", (u) => u.kind === "balance" && u.balance === 3)).toBeDefined();
    // A bad token is refused and changes nothing.
    expect(await bettor.emit("auth", { token: "not-a-jwt" })).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    let ping = await bettor.emit<{ rooms: string[] }>("ping");
    expect(ping.ok && ping.rooms.filter((r) => r.startsWith("user:"))).toEqual(["user:carol"]);
    // Another account's token counts as a new handshake would: the socket is that account's now.
    expect(await bettor.emit("auth", { token: await token("erin", "user") })).toMatchObject({ ok: true, sub: "erin" });
    ping = await bettor.emit<{ rooms: string[] }>("ping");
    expect(ping.ok && ping.rooms.filter((r) => r.startsWith("user:"))).toEqual(["user:erin"]);
  });

  it("an anonymous connection signs in and out with `auth`, without reconnecting", async () => {
    const page = await connect();
    expect(await page.emit("auth", { token: await token("dave", "user") })).toMatchObject({ ok: true, sub: "dave" });
    let ping = await page.emit<{ rooms: string[] }>("ping");
    expect(ping.ok && ping.rooms).toEqual(["user:dave"]);
    expect(await page.emit("auth", { token: null })).toMatchObject({ ok: true, sub: null });
    ping = await page.emit<{ rooms: string[] }>("ping");
    expect(ping.ok && ping.rooms).toEqual([]);
  });

  it("relays event updates to event and sport rooms, chat to chat rooms", async () => {
    const watcher = await connect();
    const other = await connect();
    await watcher.emit("subscribe", { sports: ["soccer_epl"], events: ["e1"] });
    await other.emit("subscribe", { sports: ["basketball_nba"] });
    await bus.publish(
      CHANNELS.eventUpdates,
      JSON.stringify({
        v: 1,
        type: "event:update",
        eventId: "e1",
        sport: "soccer_epl",
        status: "active",
        phase: "live",
        score: { home: 1, away: 0 },
        ts: Date.now(),
      }),
    );
    await bus.publish(
      CHANNELS.chatMessages,
      JSON.stringify({ v: 1, type: "chat:message", id: "m1", eventId: "e1", user: { id: "u1", name: "Ann" }, text: "Goal!", ts: Date.now() }),
    );
    expect(await watcher.waitFor("event:update")).toMatchObject({ eventId: "e1", phase: "live", score: { home: 1, away: 0 } });
    expect(await watcher.waitFor("chat:message")).toMatchObject({ text: "Goal!" });
    // `other` holds basketball_nba: a later delta there proves the earlier messages had their chance.
    const nbaSeq = Number((await bus.get(KEYS.sportSeq("basketball_nba"))) ?? 0);
    await bus.set(KEYS.sportSeq("basketball_nba"), nbaSeq + 1);
    await bus.publish(
      CHANNELS.sportsOdds,
      JSON.stringify({ v: 1, type: "odds:delta", sport: "basketball_nba", seq: nbaSeq + 1, prevSeq: nbaSeq, ts: Date.now(), changes: [] }),
    );
    await other.waitFor("odds:delta", (d) => d.sport === "basketball_nba" && d.seq === nbaSeq + 1);
    expect(other.of("event:update")).toEqual([]);
    expect(other.of("chat:message")).toEqual([]);
  });

  it("answers every call, also one with stray arguments", async () => {
    const client = await connect();
    const raw = (...args: unknown[]) => (client.socket.emit as (...a: unknown[]) => void)(...args);
    const pingWithPayload = await new Promise((resolve) => raw("ping", { hello: 1 }, resolve));
    expect(pingWithPayload).toMatchObject({ ok: false, error: { code: "invalid_payload", message: "ping takes no payload" } });
    const twoPayloads = await new Promise((resolve) => raw("subscribe", { sports: ["soccer_epl"] }, "extra", resolve));
    expect(twoPayloads).toMatchObject({ ok: false, error: { code: "invalid_payload", message: expect.stringContaining("one payload") } });
    // Without an ack the refusal still arrives, as an `error` event (the first call sent one too).
    raw("ping", "stray");
    await until(async () => client.of("error").filter((e) => e.message === "ping takes no payload").length === 2, 5_000, "the second refusal");
    expect(await client.emit("ping")).toMatchObject({ ok: true });
  });

  it("with default limits, the largest subscribe the schema accepts fits a fresh connection", async () => {
    const sports = Array.from({ length: LIMITS.maxSportsPerSubscribe }, (_, i) => `limits_${i}`);
    await bus.sadd(KEYS.sports, ...sports);
    const defaults = await startRelay(redis.url);
    const client = await connectClient(defaults.url);
    try {
      const events = Array.from({ length: LIMITS.maxEventsPerSubscribe }, (_, i) => `ev${i}`);
      expect(await client.emit("subscribe", { sports, events })).toMatchObject({ ok: true });
      const tooMany = await client.emit("subscribe", { sports: ["soccer_epl"], events: [...events, "one-more"] });
      expect(tooMany).toMatchObject({ ok: false, error: { code: "invalid_payload", message: expect.stringContaining("events") } });
    } finally {
      client.close();
      await defaults.stop();
      await bus.srem(KEYS.sports, ...sports);
    }
  });

  it("lists every relay instance on the same Redis in /health, through the adapter", async () => {
    const second = await startRelay(redis.url, { RELAY_INSTANCE_ID: "relay-b" });
    const onSecond = [await connectClient(second.url), await connectClient(second.url)];
    const health = async (url: string) => (await (await fetch(`${url}/health`)).json()) as { instanceId: string; connections: number; cluster: ClusterView };
    const ids = (view: ClusterView) => view.instances.map((i) => i.instanceId);
    try {
      // The view is cached for a second: wait for one asked after relay-b came up.
      await until(async () => ids((await health(relay.url)).cluster).includes("relay-b"), 10_000, "relay-b in the cluster view");
      const first = await health(relay.url);
      expect(first.cluster.complete).toBe(true);
      expect(ids(first.cluster)).toEqual([first.instanceId, "relay-b"]);
      expect(first.cluster.instances[1]).toMatchObject({ status: "ok", connections: 2 });
      expect(first.cluster.connections).toBe(first.connections + 2);
      await until(
        async () => ids((await health(second.url)).cluster).join() === ["relay-b", first.instanceId].join(),
        10_000,
        "the first relay in relay-b's view",
      );
    } finally {
      for (const client of onSecond) client.close();
      await second.stop();
    }
    await until(
      async () => {
        const alone = await health(relay.url);
        return alone.cluster.complete && ids(alone.cluster).join() === alone.instanceId;
      },
      10_000,
      "the view without relay-b",
    );
  });

  it("serves /health and /metrics", async () => {
    const health = await fetch(`${relay.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok", redis: { commands: "ready", subscriber: "ready" } });
    const metrics = await (await fetch(`${relay.url}/metrics`)).text();
    expect(metrics).toContain("relay_connections");
    expect(metrics).toMatch(/relay_client_errors_total\{code="invalid_payload"\} \d+/);
    expect((await fetch(`${relay.url}/nope`)).status).toBe(404);
  });

  it("shuts down cleanly on SIGTERM: exit 0, clients see the transport close and retry", async () => {
    const client = await connect({ reconnection: true });
    const closed = new Promise<string>((resolve) => client.socket.once("disconnect", resolve));
    expect(await relay.stop()).toBe(0);
    expect(await closed).toBe("transport close"); // not "io server disconnect": the client reconnects by itself
    expect(relay.output()).toMatch(/"msg":"stopped"/);
  });

  async function publishUserUpdate(userId: string, balance: number) {
    await bus.publish(
      CHANNELS.userUpdates,
      JSON.stringify({ v: 1, type: "user:update", kind: "balance", userId, balance, balanceEntry: balance, ts: Date.now() }),
    );
  }

  async function publishMarker(text: string) {
    await bus.publish(
      CHANNELS.chatMessages,
      JSON.stringify({ v: 1, type: "chat:message", id: text, eventId: "e1", user: { id: "test", name: "test" }, text, ts: Date.now() }),
    );
  }

  async function publishDelta(seq: number, changes: unknown[]) {
    await bus.set(KEYS.sportSeq("soccer_epl"), seq);
    await bus.publish(CHANNELS.sportsOdds, JSON.stringify({ v: 1, type: "odds:delta", sport: "soccer_epl", seq, prevSeq: seq - 1, ts: Date.now(), changes }));
  }
});

/** A relay token issued now; `ttlSec` null leaves out `exp`. */
function token(sub: string, role: "user" | "admin", secret = TEST_JWT_SECRET, ttlSec: number | null = 300): Promise<string> {
  const jwt = new SignJWT({ role, iatMs: Date.now() })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(sub)
    .setIssuer(RELAY_TOKEN_ISSUER)
    .setAudience(RELAY_TOKEN_AUDIENCE);
  if (ttlSec !== null) jwt.setExpirationTime(Math.floor(Date.now() / 1000) + ttlSec);
  return jwt.sign(new TextEncoder().encode(secret));
}

function event(id: string) {
  const home = outcome(2.1, { name: "Home", fair: 0.45, best: { book: "pinnacle", price: 2.15 }, edge: -0.03 });
  const away = outcome(1.8, { name: "Away", fair: 0.55, best: { book: "bet365", price: 1.85 }, edge: 0.02 });
  return eventOdds(id, { home: "A", away: "B", title: "A vs B", markets: { h2h: market("h2h", { home, away }) } });
}

import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signRelayToken } from "../../lib/accounts/relay-token";
import { redisNow, revokeRelayTokens } from "../../lib/accounts/revocation";
import { CHANNELS, KEYS, RELAY_REVOCATION_TTL_MS } from "../../lib/protocol";
import { type TestClient, connectClient } from "../support/client";
import { type RedisService, startRedisServer } from "../support/services";
import { type RelayProc, TEST_JWT_SECRET, startRelay } from "../support/stack";

/**
 * Relay-token revocation between the web app's half (lib/accounts/revocation.ts, called here as
 * the routes call it) and a real relay process on a real Redis: private rooms dropped at once,
 * revoked tokens refused later, malformed bus messages dropped.
 */
describe("relay token revocation", () => {
  let redis: RedisService;
  let bus: Redis;
  let relay: RelayProc;
  const clients: TestClient[] = [];
  let markers = 0;

  /** A token as POST /api/auth/relay-token issues it: dated on Redis's clock. */
  const tokenFor = async (sub: string, role: "user" | "admin" = "user") => (await signRelayToken({ sub, role }, TEST_JWT_SECRET, await redisNow(bus))).token;

  /** A socket with `token`, following the chat room of event e1 (a public room, for markers). */
  const connect = async (token?: string) => {
    const client = await connectClient(relay.url, { token });
    clients.push(client);
    expect(await client.emit("subscribe", { sports: ["soccer_epl"], events: ["e1"] })).toMatchObject({ ok: true });
    return client;
  };

  const userUpdate = (userId: string, balance: number) =>
    bus.publish(CHANNELS.userUpdates, JSON.stringify({ v: 1, type: "user:update", kind: "balance", userId, balance, balanceEntry: balance, ts: Date.now() }));
  const adminEvent = () =>
    bus.publish(
      CHANNELS.adminEvents,
      JSON.stringify({ v: 1, type: "admin:event", kind: "publisher_started", data: { intervalMs: 500, by: "admin@example.test" }, ts: Date.now() }),
    );
  /** Publishes a chat message to e1's public room and resolves once `client` has it: everything published before it was delivered, or never will be. */
  const marker = async (client: TestClient) => {
    const text = `marker ${(markers += 1)}`;
    await bus.publish(
      CHANNELS.chatMessages,
      JSON.stringify({ v: 1, type: "chat:message", id: text, eventId: "e1", user: { id: "test", name: "test" }, text, ts: Date.now() }),
    );
    await client.waitFor("chat:message", (m) => m.text === text);
  };

  beforeAll(async () => {
    redis = await startRedisServer();
    bus = new Redis(redis.url);
    await bus.sadd(KEYS.sports, "soccer_epl");
    await bus.set(KEYS.sportSeq("soccer_epl"), 1);
    relay = await startRelay(redis.url);
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await relay?.stop();
    bus?.disconnect();
    await redis?.stop();
  });

  it("takes a signed-out account's sockets out of user:<id> at once and tells them; public rooms stay", async () => {
    const page = await connect(await tokenFor("ann"));
    const otherTab = await connect(await tokenFor("ann"));
    const bystander = await connect(await tokenFor("bob"));
    await userUpdate("ann", 10);
    await page.waitFor("user:update", (u) => u.balance === 10);
    await otherTab.waitFor("user:update", (u) => u.balance === 10);

    await revokeRelayTokens(bus, "ann");
    expect(await page.waitFor("error", (e) => e.code === "token_revoked")).toMatchObject({ code: "token_revoked" });
    await otherTab.waitFor("error", (e) => e.code === "token_revoked");
    await userUpdate("ann", 20);
    await userUpdate("bob", 30);
    await marker(page);
    await marker(otherTab);
    await bystander.waitFor("user:update", (u) => u.balance === 30);
    expect(page.of("user:update").map((u) => u.balance)).toEqual([10]);
    expect(otherTab.of("user:update").map((u) => u.balance)).toEqual([10]);
    expect(bystander.of("error")).toEqual([]);
    const ping = await page.emit<{ rooms: string[] }>("ping");
    expect(ping.ok && ping.rooms.sort()).toEqual(["chat:e1", "event:e1", "sport:soccer_epl"]);
  });

  it("refuses a revoked token later, at the handshake and in `auth`; a token issued after the revocation is taken", async () => {
    const old = await tokenFor("carol");
    await revokeRelayTokens(bus, "carol");
    await expect(connectClient(relay.url, { token: old })).rejects.toMatchObject({
      message: "unauthorized",
      data: { code: "unauthorized", message: expect.stringContaining("revoked") },
    });
    const page = await connect();
    expect(await page.emit("auth", { token: old })).toMatchObject({ ok: false, error: { code: "unauthorized" } });
    const fresh = await tokenFor("carol");
    expect(await page.emit("auth", { token: fresh })).toMatchObject({ ok: true, sub: "carol" });
    await userUpdate("carol", 5);
    await page.waitFor("user:update", (u) => u.userId === "carol");
  });

  it("checks Redis for revocations this relay never heard announced", async () => {
    const old = await tokenFor("dave");
    // Recorded as the web app records it, but never announced (made while this relay's bus was down, say).
    await bus.set(KEYS.relayRevocation("dave"), await redisNow(bus), "PX", RELAY_REVOCATION_TTL_MS);
    await expect(connectClient(relay.url, { token: old })).rejects.toMatchObject({ message: "unauthorized" });
    const fresh = await connect(await tokenFor("dave"));
    expect(fresh.socket.connected).toBe(true);
  });

  it("a role change's revocation takes an admin's socket out of admins", async () => {
    const console = await connect(await tokenFor("erin", "admin"));
    await adminEvent();
    await console.waitFor("admin:event");
    await revokeRelayTokens(bus, "erin");
    await console.waitFor("error", (e) => e.code === "token_revoked");
    await adminEvent();
    await marker(console);
    expect(console.of("admin:event")).toHaveLength(1);
    // Demoted, the page's next token is a bettor's: no admins room.
    expect(await console.emit("auth", { token: await tokenFor("erin", "user") })).toMatchObject({ ok: true, role: "user" });
    const ping = await console.emit<{ rooms: string[] }>("ping");
    expect(ping.ok && ping.rooms).not.toContain("admins");
  });

  it("drops malformed revocation messages and keeps relaying", async () => {
    const page = await connect(await tokenFor("fay"));
    for (const bad of [
      "not json",
      JSON.stringify({ v: 2, type: "tokens:revoked", userId: "fay", before: Date.now(), ts: 1 }),
      JSON.stringify({ v: 1, type: "tokens:revoked", userId: "fay" }),
    ]) {
      await bus.publish(CHANNELS.revocations, bad);
    }
    await userUpdate("fay", 7);
    await page.waitFor("user:update", (u) => u.balance === 7);
    expect(page.of("error")).toEqual([]);
    const metrics = await (await fetch(`${relay.url}/metrics`)).text();
    expect(metrics).toMatch(/relay_bus_rejected_total\{channel="relay-revocations"\} 3/);
  });
});

describe("relay token revocation across a bus outage", () => {
  let redis: RedisService;
  let bus: Redis;
  let relay: RelayProc;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    redis = await startRedisServer({ durable: true });
    bus = new Redis(redis.url);
    bus.on("error", () => {}); // Redis goes away on purpose in this test; the client reconnects
    await bus.sadd(KEYS.sports, "soccer_epl");
    await bus.set(KEYS.sportSeq("soccer_epl"), 1);
    relay = await startRelay(redis.url);
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await relay?.stop();
    bus?.disconnect();
    await redis?.stop();
  });

  it("a relay whose bus was lost re-reads the revocations of the sockets it holds, and drops the revoked", async () => {
    const token = (await signRelayToken({ sub: "gus", role: "user" }, TEST_JWT_SECRET, await redisNow(bus))).token;
    const client = await connectClient(relay.url, { token, reconnection: false });
    clients.push(client);
    // Recorded but never announced, as a revocation made while this relay's bus was down would be.
    await bus.set(KEYS.relayRevocation("gus"), await redisNow(bus), "PX", RELAY_REVOCATION_TTL_MS);
    const before = await client.emit<{ rooms: string[] }>("ping");
    expect(before.ok && before.rooms).toContain("user:gus");
    await redis.halt();
    await redis.restart();
    expect(await client.waitFor("error", (e) => e.code === "token_revoked", 30_000)).toMatchObject({ code: "token_revoked" });
    const after = await client.emit<{ rooms: string[] }>("ping");
    expect(after.ok && after.rooms).not.toContain("user:gus");
  });
});

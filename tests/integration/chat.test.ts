import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { signUp } from "../../lib/accounts/accounts";
import { postMessage } from "../../lib/chat/posting";
import { publishDeleted } from "../../lib/chat/publish";
import { deleteMessage, recentAcrossEvents, recentMessages, storeMessage } from "../../lib/chat/store";
import { type Db, createDb } from "../../lib/db";
import { outageOf } from "../../lib/errors";
import { AdminEventMessage, CHANNELS, KEYS } from "../../lib/protocol";
import { RateLimiter } from "../../lib/rate-limit";
import { createRedis } from "../../lib/redis";
import { seedDemoData } from "../../prisma/seed";
import { freePort } from "../../scripts/services/ports";
import { type TestClient, connectClient } from "../support/client";
import { createTestDatabase, type RedisService, startRedisServer } from "../support/services";
import { type RelayProc, startRelay } from "../support/stack";

/** The client address posts come from, unless a test says otherwise. */
const ADDRESS = "127.0.0.1";

/** Event chat on real Postgres and Redis, delivered by a real relay to socket.io clients. */
describe("chat", () => {
  let db: Db;
  let redis: RedisService;
  let client: Redis;
  let relay: RelayProc;
  const sockets: TestClient[] = [];
  let events: { id: string; title: string }[];
  /** A limiter allowing `perAccount` posts per account and `perAddress` per address within a minute. */
  const limited = (perAccount: number, perAddress: number) => ({
    limiter: new RateLimiter(client),
    limits: { perAccount: { max: perAccount, windowMs: 60_000 }, perAddress: { max: perAddress, windowMs: 60_000 } },
  });
  const roomy = () => limited(1_000, 1_000);

  beforeAll(async () => {
    db = createDb(await createTestDatabase(inject("pgServerUrl"), "chat"));
    await seedDemoData(db);
    events = await db.event.findMany({ take: 6, orderBy: { id: "asc" }, select: { id: true, title: true } });
    redis = await startRedisServer();
    client = new Redis(redis.url);
    // The sport registered as the publisher would have left it: sockets must name one to subscribe.
    await client.sadd(KEYS.sports, "basketball_nba");
    await client.set(KEYS.sportSeq("basketball_nba"), 1);
    relay = await startRelay(redis.url);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await relay?.stop();
    client?.disconnect();
    await redis?.stop();
    await db?.$disconnect();
  });

  const event = (i: number) => events[i]!.id;
  const author = async (name?: string) => (await signUp(db, { email: `${randomUUID()}@chat.test`, password: "long enough", ...(name ? { name } : {}) }, 0)).id;

  async function listening(eventId: string): Promise<TestClient> {
    const socket = await connectClient(relay.url);
    sockets.push(socket);
    expect(await socket.emit("subscribe", { sports: ["basketball_nba"], events: [eventId] })).toMatchObject({ ok: true });
    return socket;
  }

  it("stores a message with its author's name; the history is the last 50, oldest first", async () => {
    const user = await author("Ann Lee");
    const base = Date.now() - 3_600_000;
    await db.chatMessage.createMany({
      data: Array.from({ length: 55 }, (_, i) => ({ eventId: event(0), userId: user, text: `old ${i}`, createdAt: new Date(base + i * 1_000) })),
    });
    const posted = await storeMessage(db, { eventId: event(0), userId: user, text: "newest" });
    expect(posted).toMatchObject({ eventId: event(0), user: { id: user, name: "Ann Lee" }, text: "newest" });
    const history = await recentMessages(db, event(0));
    expect(history?.map((m) => m.text)).toEqual([...Array.from({ length: 49 }, (_, i) => `old ${i + 6}`), "newest"]);
  });

  it("names the email's local part when sign-up gave no name", async () => {
    const id = (await signUp(db, { email: "no.name.given@chat.test", password: "long enough" }, 0)).id;
    expect(await storeMessage(db, { eventId: event(1), userId: id, text: "hi" })).toMatchObject({ user: { id, name: "no.name.given" } });
  });

  it("an unknown event: no message stored, no history (null), and an existing quiet one has an empty history", async () => {
    const user = await author();
    const before = await db.chatMessage.count();
    expect(await storeMessage(db, { eventId: randomUUID(), userId: user, text: "hello?" })).toBe("no_event");
    expect(await db.chatMessage.count()).toBe(before);
    expect(await recentMessages(db, randomUUID())).toBeNull();
    expect(await recentMessages(db, event(5))).toEqual([]);
  });

  it("a delete is soft, recorded, final, and only in the message's own event", async () => {
    const user = await author();
    const keep = await storeMessage(db, { eventId: event(2), userId: user, text: "keep" });
    const drop = await storeMessage(db, { eventId: event(2), userId: user, text: "drop" });
    if (keep === "no_event" || drop === "no_event") throw new Error("event missing");
    const actor = (label: string) => ({ id: null, label });
    expect(await deleteMessage(db, { eventId: event(3), messageId: drop.id, actor: actor("x") })).toBe("not_found");
    expect(await deleteMessage(db, { eventId: event(2), messageId: drop.id, actor: actor("admin@live-odds.test") })).toMatchObject({ message: drop });
    expect(await deleteMessage(db, { eventId: event(2), messageId: drop.id, actor: actor("again") })).toBe("not_found");
    expect((await recentMessages(db, event(2)))?.map((m) => m.id)).toEqual([keep.id]);
    const row = await db.chatMessage.findUniqueOrThrow({ where: { id: drop.id }, select: { deletedAt: true, deletedBy: true, text: true } });
    expect(row).toMatchObject({ deletedBy: "admin@live-odds.test", text: "drop" });
    expect(row.deletedAt).toBeInstanceOf(Date);
    const moderation = await recentAcrossEvents(db, 200);
    expect(moderation.find((m) => m.id === keep.id)).toMatchObject({ eventTitle: events[2]!.title });
    expect(moderation.some((m) => m.id === drop.id)).toBe(false);
  });

  it("the moderation list is the newest across events, newest first, with each event's title", async () => {
    const user = await author();
    const a = await storeMessage(db, { eventId: event(3), userId: user, text: "first" });
    await new Promise((resolve) => setTimeout(resolve, 5)); // distinct createdAt (ms) for a defined order
    const b = await storeMessage(db, { eventId: event(4), userId: user, text: "second" });
    const latest = await recentAcrossEvents(db, 2);
    expect(latest.map((m) => [m.text, m.eventTitle])).toEqual([
      ["second", events[4]!.title],
      ["first", events[3]!.title],
    ]);
    expect([a, b].every((m) => m !== "no_event")).toBe(true);
  });

  describe("rate limit", () => {
    it("a post over the limit stores nothing; a post to an unknown event gives its turn back", async () => {
      const deps = { db, redis: client, ...limited(1, 100) };
      const user = await author();
      expect(await postMessage(deps, { eventId: randomUUID(), userId: user, text: "lost", address: ADDRESS })).toEqual({ ok: false, reason: "no_event" });
      expect(await postMessage(deps, { eventId: event(5), userId: user, text: "one", address: ADDRESS })).toMatchObject({ ok: true });
      const second = await postMessage(deps, { eventId: event(5), userId: user, text: "two", address: ADDRESS });
      expect(second).toMatchObject({ ok: false, reason: "rate_limited" });
      expect((await recentMessages(db, event(5)))?.map((m) => m.text)).toEqual(["one"]);
    });

    it("many accounts from one address share that address's limit", async () => {
      const deps = { db, redis: client, ...limited(100, 2) };
      const address = `198.51.100.${Math.floor(Math.random() * 250)}`;
      const [first, second, third] = [await author(), await author(), await author()];
      expect(await postMessage(deps, { eventId: event(4), userId: first, text: "a", address })).toMatchObject({ ok: true });
      expect(await postMessage(deps, { eventId: event(4), userId: second, text: "b", address })).toMatchObject({ ok: true });
      expect(await postMessage(deps, { eventId: event(4), userId: third, text: "c", address })).toMatchObject({ ok: false, reason: "rate_limited" });
      // The same account from another address is not held back by that one.
      expect(await postMessage(deps, { eventId: event(4), userId: third, text: "d", address: "203.0.113.9" })).toMatchObject({ ok: true });
    });

    it("with Redis out of reach the post fails as a Redis outage and nothing is stored", async () => {
      const down = createRedis(`redis://127.0.0.1:${await freePort()}`, { name: "chat-test-down", maxRetriesPerRequest: 1, commandTimeoutMs: 500 });
      try {
        const user = await author();
        const before = await db.chatMessage.count();
        const deps = { db, redis: down, limiter: new RateLimiter(down), limits: limited(5, 5).limits };
        const failure = await postMessage(deps, { eventId: event(1), userId: user, text: "x", address: ADDRESS }).catch((error: unknown) => error);
        expect(outageOf(failure)).toBe("Redis");
        expect(await db.chatMessage.count()).toBe(before);
      } finally {
        down.disconnect();
      }
    });
  });

  describe("delivery", () => {
    it("a posted message reaches every socket in the event's chat room, and not another event's", async () => {
      const [one, two, elsewhere] = [await listening(event(1)), await listening(event(1)), await listening(event(2))];
      const user = await author("Bo");
      const posted = await postMessage({ db, redis: client, ...roomy() }, { eventId: event(1), userId: user, text: "<b>tip</b> home", address: ADDRESS });
      if (!posted.ok) throw new Error("not posted");
      for (const socket of [one, two]) expect(await socket.waitFor("chat:message", (m) => m.id === posted.message.id)).toEqual(posted.message);
      expect(posted.message).toMatchObject({ user: { id: user, name: "Bo" }, text: "<b>tip</b> home", eventId: event(1) });
      // Something later that `elsewhere` does get: once it is there, the first message would have been too.
      const marker = await postMessage({ db, redis: client, ...roomy() }, { eventId: event(2), userId: user, text: "marker", address: ADDRESS });
      if (!marker.ok) throw new Error("not posted");
      await elsewhere.waitFor("chat:message", (m) => m.id === marker.message.id);
      expect(elsewhere.of("chat:message").map((m) => m.id)).toEqual([marker.message.id]);
    });

    it("a delete reaches the room as chat:delete, and the admins as chat_deleted", async () => {
      const socket = await listening(event(3));
      const admins = new Redis(redis.url);
      const heard: AdminEventMessage[] = [];
      await admins.subscribe(CHANNELS.adminEvents);
      admins.on("message", (_channel, raw: string) => heard.push(AdminEventMessage.parse(JSON.parse(raw))));
      try {
        const user = await author("Cy");
        const posted = await postMessage({ db, redis: client, ...roomy() }, { eventId: event(3), userId: user, text: "rude", address: ADDRESS });
        if (!posted.ok) throw new Error("not posted");
        await socket.waitFor("chat:message", (m) => m.id === posted.message.id);
        const deleted = await deleteMessage(db, { eventId: event(3), messageId: posted.message.id, actor: { id: null, label: "admin token" } });
        if (deleted === "not_found") throw new Error("not deleted");
        const told = await publishDeleted(client, deleted.message, "admin token", deleted.auditId);
        expect(await socket.waitFor("chat:delete", (d) => d.id === posted.message.id)).toEqual(told);
        expect(told).toMatchObject({ id: posted.message.id, eventId: event(3) });
        await expect
          .poll(() => heard.find((m) => m.kind === "chat_deleted")?.data)
          .toEqual({ messageId: posted.message.id, eventId: event(3), author: { id: user, name: "Cy" }, text: "rude", by: "admin token" });
        expect(heard.find((m) => m.kind === "chat_deleted")?.auditId).toBe(deleted.auditId);
      } finally {
        admins.disconnect();
      }
    });
  });
});

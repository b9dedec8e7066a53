import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { signUp } from "../../lib/accounts/accounts";
import { revokeRelayTokens } from "../../lib/accounts/revocation";
import { SessionCache } from "../../lib/accounts/session-cache";
import { openSession, readSession, revokeSession } from "../../lib/accounts/sessions";
import { type Db, createDb } from "../../lib/db";
import { CHANNELS } from "../../lib/protocol";
import { until } from "../support/full-stack";
import { type RedisService, createTestDatabase, startRedisServer } from "../support/services";

/**
 * Sign-out on a real Postgres (lib/accounts/sessions.ts): it names the account only when it ended
 * a live session, since that account's relay tokens are then revoked and its open pages lose their
 * private updates.
 */
describe("sessions", () => {
  let db: Db;
  const secret = "a session secret of at least 32 characters";

  beforeAll(async () => {
    db = createDb(await createTestDatabase(inject("pgServerUrl"), "sessions"), { poolSize: 2 });
  });
  afterAll(async () => {
    await db?.$disconnect();
  });

  const account = async () => (await signUp(db, { email: `${randomUUID()}@sessions.test`, password: "long enough" }, 0)).id;

  it("signing out names the account once; the same cookie sent again names nobody", async () => {
    const userId = await account();
    const cookie = await openSession(db, userId, secret);
    expect(await readSession(db, cookie, secret)).toMatchObject({ id: userId });
    expect(await revokeSession(db, cookie, secret)).toBe(userId);
    expect(await readSession(db, cookie, secret)).toBeNull();
    // A replayed old cookie: the session is already over, so nothing of the account's is touched.
    expect(await revokeSession(db, cookie, secret)).toBeNull();
    expect(await revokeSession(db, undefined, secret)).toBeNull();
  });

  it("an expired session is not ended again", async () => {
    const userId = await account();
    const cookie = await openSession(db, userId, secret);
    await db.session.updateMany({ where: { userId }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    expect(await revokeSession(db, cookie, secret)).toBeNull();
    // Another live session of the account is ended as usual.
    expect(await revokeSession(db, await openSession(db, userId, secret), secret)).toBe(userId);
  });
});

/**
 * The web process's session cache (lib/accounts/session-cache.ts) on a real Postgres and Redis: a
 * session read once costs no Postgres read again, and whatever revokes the account's relay tokens
 * (sign-out, a password or role change) makes it read Postgres again; while it cannot hear the
 * bus it holds nothing.
 */
describe("the session cache", () => {
  let db: Db;
  let redis: RedisService;
  let client: Redis;
  let subscriber: Redis;
  let cache: SessionCache;
  const secret = "a session secret of at least 32 characters";

  beforeAll(async () => {
    db = createDb(await createTestDatabase(inject("pgServerUrl"), "sessioncache"), { poolSize: 2 });
    redis = await startRedisServer();
    client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    subscriber = new Redis(redis.url, { maxRetriesPerRequest: null, retryStrategy: () => 50 });
    subscriber.on("error", () => {}); // refused while Redis is halted, on purpose
    client.on("error", () => {});
    cache = new SessionCache(subscriber);
    await until(async () => cache.live, 10_000, "the cache hears the bus");
  });
  afterAll(async () => {
    subscriber?.disconnect();
    client?.disconnect();
    await redis?.stop();
    await db?.$disconnect();
  });

  const signedIn = async () => {
    const userId = (await signUp(db, { email: `${randomUUID()}@cache.test`, password: "long enough" }, 0)).id;
    return { userId, cookie: await openSession(db, userId, secret) };
  };
  /** Ends the account's sessions in Postgres only: nothing on the bus. */
  const revokeInPostgres = (userId: string) => db.session.updateMany({ where: { userId }, data: { revokedAt: new Date() } });

  it("answers a session read before from memory, until a revocation on the bus", async () => {
    const { userId, cookie } = await signedIn();
    expect(await readSession(db, cookie, secret, cache)).toMatchObject({ id: userId });
    await revokeInPostgres(userId);
    // Still held: this read did not ask Postgres, which would have said revoked.
    expect(await readSession(db, cookie, secret, cache)).toMatchObject({ id: userId });
    await revokeRelayTokens(client, userId);
    await until(async () => (await readSession(db, cookie, secret, cache)) === null, 5_000, "the revoked session refused");
  });

  it("forgets only the revoked account's sessions", async () => {
    const a = await signedIn();
    const b = await signedIn();
    await readSession(db, a.cookie, secret, cache);
    await readSession(db, b.cookie, secret, cache);
    await revokeInPostgres(a.userId);
    await revokeInPostgres(b.userId);
    await revokeRelayTokens(client, a.userId);
    await until(async () => (await readSession(db, a.cookie, secret, cache)) === null, 5_000, "a refused");
    expect(await readSession(db, b.cookie, secret, cache)).toMatchObject({ id: b.userId }); // still held
    cache.forgetUser(b.userId);
    expect(await readSession(db, b.cookie, secret, cache)).toBeNull();
  });

  it("keeps no read that began before a revocation of its account", () => {
    const user = { id: randomUUID(), email: "late@cache.test", role: "user" as const, sessionId: randomUUID() };
    const before = performance.now();
    cache.forgetUser(user.id);
    cache.put(user, Date.now() + 60_000, before);
    expect(cache.get(user.sessionId)).toBeUndefined();
    cache.put(user, Date.now() + 60_000, performance.now());
    expect(cache.get(user.sessionId)).toEqual(user);
  });

  it("ignores a malformed revocation by forgetting everything, and holds nothing while it cannot hear the bus", async () => {
    const { userId, cookie } = await signedIn();
    await readSession(db, cookie, secret, cache);
    await revokeInPostgres(userId);
    await client.publish(CHANNELS.revocations, "{not json");
    await until(async () => (await readSession(db, cookie, secret, cache)) === null, 5_000, "everything forgotten");

    const other = await signedIn();
    await readSession(db, other.cookie, secret, cache);
    await revokeInPostgres(other.userId);
    await redis.halt();
    await until(async () => !cache.live, 10_000, "the cache knows it is deaf");
    expect(await readSession(db, other.cookie, secret, cache)).toBeNull(); // read from Postgres
    await redis.restart();
    await until(async () => cache.live, 10_000, "the cache hears again");
  });
});

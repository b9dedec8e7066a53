import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KNOWN_ADDRESS_TTL_MS, SignInGuard } from "../../lib/accounts/sign-in-guard";
import { digest } from "../../lib/rate-limit";
import { RateLimiter } from "../../lib/rate-limit";
import { type RedisService, startRedisServer } from "../support/services";

/** The sign-in windows (lib/accounts/sign-in-guard.ts) on a real Redis. */
describe("SignInGuard", () => {
  let redis: RedisService;
  let client: Redis;
  let guard: SignInGuard;
  const email = () => `${randomUUID()}@bettor.test`;
  /** Fails one sign-in (counted by begin, never taken back); resolves with whether it was let through. */
  const fail = async (account: string, address: string) => (await guard.begin(account, address)).retryAfterMs === 0;

  beforeAll(async () => {
    redis = await startRedisServer();
    client = new Redis(redis.url);
    guard = new SignInGuard(client, new RateLimiter(client), { windowMs: 60_000, perAccountAddress: 3, perAddress: 6, perAccount: 4, attemptsPerAddress: 10 });
  });
  afterAll(async () => {
    client?.disconnect();
    await redis?.stop();
  });

  it("stops one address guessing one account, and no one else", async () => {
    const account = email();
    for (let i = 0; i < 3; i += 1) expect(await fail(account, "10.0.0.1")).toBe(true);
    expect(await fail(account, "10.0.0.1")).toBe(false);
    expect(await fail(email(), "10.0.0.1")).toBe(true); // the address may still try other accounts
    expect(await fail(account, "10.0.0.2")).toBe(true); // the account from elsewhere
  });

  it("stops one address guessing across accounts", async () => {
    for (let i = 0; i < 6; i += 1) expect(await fail(email(), "10.0.1.1")).toBe(true);
    expect(await fail(email(), "10.0.1.1")).toBe(false);
  });

  it("stops many addresses guessing one account, but never its owner's known address", async () => {
    const account = email();
    await guard.remember(account, "10.0.2.99");
    for (let i = 0; i < 4; i += 1) expect(await fail(account, `10.0.2.${i}`)).toBe(true);
    expect(await fail(account, "10.0.2.50")).toBe(false);
    const owner = await guard.begin(account, "10.0.2.99");
    expect(owner.retryAfterMs).toBe(0);
  });

  it("a success takes its attempt back, forgets this address's failures on the account, and makes the address known", async () => {
    const account = email();
    for (let i = 0; i < 2; i += 1) expect(await fail(account, "10.0.3.1")).toBe(true);
    await guard.succeeded(account, "10.0.3.1", await guard.begin(account, "10.0.3.1"));
    for (let i = 0; i < 3; i += 1) expect(await fail(account, "10.0.3.1")).toBe(true);
    expect(await fail(account, "10.0.3.1")).toBe(false);
    // Known now, its later failures did not count account-wide: the two from before it signed in
    // and two from new addresses reach the account's 4.
    expect(await fail(account, "10.0.3.10")).toBe(true);
    expect(await fail(account, "10.0.3.11")).toBe(true);
    expect(await fail(account, "10.0.3.12")).toBe(false);
  });

  /** Signs in with the right password; resolves with whether it was let through. */
  const succeed = async (account: string, address: string) => {
    const attempt = await guard.begin(account, address);
    if (attempt.retryAfterMs > 0) return false;
    await guard.succeeded(account, address, attempt);
    return true;
  };

  it("counts every attempt from an address, successes included, in a coarse window a success does not give back", async () => {
    const account = email();
    for (let i = 0; i < 10; i += 1) expect(await succeed(account, "10.0.4.1")).toBe(true);
    // The right password again: each would cost an argon2 verification, and the address has had its 10.
    expect(await succeed(account, "10.0.4.1")).toBe(false);
    expect(await fail(email(), "10.0.4.1")).toBe(false);
    // The same account from another address is not held back.
    expect(await succeed(account, "10.0.4.2")).toBe(true);
  });

  it("counts an IPv6 address by its /64: fresh addresses in one /64 are one address", async () => {
    const account = email();
    for (let i = 1; i <= 3; i += 1) expect(await fail(account, `2001:db8:5:6::${i}`)).toBe(true);
    expect(await fail(account, "2001:db8:5:6:ffff::9")).toBe(false);
    expect(await fail(account, "2001:db8:5:7::1")).toBe(true); // the next /64 is another address
  });

  it("an address is the owner's for 30 days after its last sign-in there, then no longer", async () => {
    const account = email();
    const key = `signin-known:${digest(account)}`;
    const owner = "10.0.6.99";
    await guard.remember(account, owner);
    // Signed in there 30 days and a minute ago: what remember wrote, aged (moved back rather than waited for).
    const [seconds] = await client.time();
    const longAgo = Number(seconds) * 1000 - KNOWN_ADDRESS_TTL_MS - 60_000;
    await client.zadd(key, longAgo, digest(owner));
    for (let i = 0; i < 4; i += 1) expect(await fail(account, `10.0.6.${i}`)).toBe(true);
    // The account's window for new addresses is full, and the old address is new again.
    expect((await guard.begin(account, owner)).retryAfterMs).toBeGreaterThan(0);
    // Remembering any address forgets those older than 30 days.
    await guard.remember(account, "10.0.6.98");
    expect(await client.zscore(key, digest(owner))).toBeNull();
    expect(await client.zscore(key, digest("10.0.6.98"))).not.toBeNull();
    expect((await guard.begin(account, "10.0.6.98")).retryAfterMs).toBe(0);
  });
});

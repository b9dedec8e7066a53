import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SignInGuard } from "../../lib/accounts/sign-in-guard";
import { RateLimiter } from "../../lib/rate-limit";
import { type RedisService, startRedisServer } from "../support/services";

/** The failed sign-in windows (lib/accounts/sign-in-guard.ts) on a real Redis. */
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
    guard = new SignInGuard(client, new RateLimiter(client), { windowMs: 60_000, perAccountAddress: 3, perAddress: 6, perAccount: 4 });
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
});

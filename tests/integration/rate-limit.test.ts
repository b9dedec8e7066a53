import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Counter, RateLimiter } from "../../lib/rate-limit";
import { createRedis } from "../../lib/redis";
import { freePort } from "../../scripts/services/ports";
import { until } from "../support/full-stack";
import { type RedisService, startRedisServer } from "../support/services";

/** The one sliding-window limiter every limited route uses (lib/rate-limit.ts), on a real Redis. */
describe("RateLimiter", () => {
  let redis: RedisService;
  let client: Redis;
  let limiter: RateLimiter;
  const counter = (max: number, windowMs: number, subject: string = randomUUID(), rule = "test"): Counter => ({ rule, subject, max, windowMs });

  beforeAll(async () => {
    redis = await startRedisServer();
    client = new Redis(redis.url);
    limiter = new RateLimiter(client);
  });
  afterAll(async () => {
    client?.disconnect();
    await redis?.stop();
  });

  /** Redis's clock, ms: the clock the windows are kept on. */
  const redisNow = async () => {
    const [seconds, micros] = await client.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  };
  /** Resolves once Redis's clock has reached `ms`. */
  const redisReaches = (ms: number) => until(async () => (await redisNow()) >= ms, 10_000, `Redis's clock at ${ms}`);

  it("a sliding window: the N+1th within the window waits until the oldest ages out, and only that one slot frees", async () => {
    const window = counter(3, 3_000);
    const first = await limiter.take([window]);
    expect(first.retryAfterMs).toBe(0);
    // The next two are taken a second later on Redis's clock than the first.
    await redisReaches(first.now + 1_000);
    const second = await limiter.take([window]);
    expect(second.retryAfterMs).toBe(0);
    expect((await limiter.take([window])).retryAfterMs).toBe(0);
    const refused = await limiter.take([window]);
    // Room again exactly when the first ages out, not when the window started over.
    expect(refused.retryAfterMs).toBe(first.now + 3_000 - refused.now);
    await redisReaches(first.now + 3_000);
    const freed = await limiter.take([window]);
    expect(freed.retryAfterMs).toBe(0);
    // A fixed window would have reset all three; here the two later attempts still count.
    const again = await limiter.take([window]);
    expect(again.retryAfterMs).toBe(second.now + 3_000 - again.now);
    expect(again.retryAfterMs).toBeGreaterThan(0);
  });

  it("parallel attempts cannot slip under the limit; another subject has a window of its own", async () => {
    const window = counter(5, 60_000);
    const turns = await Promise.all(Array.from({ length: 40 }, () => limiter.take([window])));
    expect(turns.filter((t) => t.retryAfterMs === 0)).toHaveLength(5);
    expect((await limiter.take([counter(5, 60_000)])).retryAfterMs).toBe(0);
  });

  it("counts in every window or in none: a refused attempt costs the other windows nothing", async () => {
    const account = counter(1, 60_000);
    const address = counter(3, 60_000);
    expect((await limiter.take([account, address])).retryAfterMs).toBe(0);
    for (let i = 0; i < 5; i += 1) expect((await limiter.take([account, address])).retryAfterMs).toBeGreaterThan(0);
    // The address took one attempt only: two more fit for other accounts.
    expect((await limiter.take([counter(1, 60_000), address])).retryAfterMs).toBe(0);
    expect((await limiter.take([counter(1, 60_000), address])).retryAfterMs).toBe(0);
    expect((await limiter.take([counter(1, 60_000), address])).retryAfterMs).toBeGreaterThan(0);
  });

  it("gives an attempt back, in every window or in the ones named", async () => {
    const first = counter(1, 60_000);
    const second = counter(1, 60_000);
    const turn = await limiter.take([first, second]);
    await limiter.release(turn, [second]);
    expect((await limiter.take([second])).retryAfterMs).toBe(0);
    expect((await limiter.take([first])).retryAfterMs).toBeGreaterThan(0);
    const other = counter(1, 60_000);
    await limiter.release(await limiter.take([other]));
    expect((await limiter.take([other])).retryAfterMs).toBe(0);
  });

  it("keys name a digest, never the subject itself", async () => {
    await limiter.take([counter(1, 60_000, "someone@example.com", "test-digest")]);
    const keys = await client.keys("rate:test-digest:*");
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toContain("someone");
  });

  it("throws while Redis is out of reach, so every caller refuses rather than lets through", async () => {
    const down = createRedis(`redis://127.0.0.1:${await freePort()}`, { name: "limit-test-down", maxRetriesPerRequest: 1, commandTimeoutMs: 500 });
    try {
      await expect(new RateLimiter(down).take([counter(5, 1_000)])).rejects.toThrow();
    } finally {
      down.disconnect();
    }
  });
});

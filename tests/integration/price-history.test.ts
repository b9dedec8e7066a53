import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PriceHistoryWriter } from "../../lib/publisher/price-history";
import { type EventOdds, KEYS, fairPriceOf, impliedOf, readPriceHistory } from "../../lib/protocol";
import { type RedisService, startRedisServer } from "../support/services";

/** The publisher's price history for event pages, against a real Redis. */
describe("price history", () => {
  let server: RedisService;
  let redis: Redis;
  const limits = { sampleMs: 10_000, windowMs: 3_600_000, maxPoints: 5 };

  beforeAll(async () => {
    server = await startRedisServer();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  const event = (id: string, home: number, fair: number | null = 0.5): EventOdds => ({
    id,
    sport: "s",
    league: "L",
    home: "H",
    away: "A",
    title: "H vs A",
    startsAt: new Date(0).toISOString(),
    status: "active",
    phase: "prematch",
    score: null,
    markets: {
      h2h: {
        key: "h2h",
        line: null,
        status: "open",
        arb: false,
        outcomes: {
          home: { name: "H", point: null, price: home, fair, implied: impliedOf(home), fairPrice: fairPriceOf(fair), pool: 0, best: null, edge: null },
          away: { name: "A", point: null, price: 1.9, fair, implied: impliedOf(1.9), fairPrice: fairPriceOf(fair), pool: 0, best: null, edge: null },
        },
      },
    },
  });

  it("stores at most one point per sample period, the latest state, and only when a price moved", async () => {
    const writer = new PriceHistoryWriter(redis, limits);
    const t0 = 1_000_000_000;
    writer.offer("e1", event("e1", 2.0));
    expect(await writer.flush(t0)).toBe(1); // first sight: at once
    writer.offer("e1", event("e1", 2.1));
    writer.offer("e1", event("e1", 2.2));
    expect(await writer.flush(t0 + 5_000)).toBe(0); // too soon: waits
    expect(await writer.flush(t0 + 10_000)).toBe(1); // the latest of the two
    writer.offer("e1", event("e1", 2.2));
    expect(await writer.flush(t0 + 30_000)).toBe(0); // nothing moved
    const points = await readPriceHistory(redis, "e1", t0 + 30_000);
    expect(points.map((p) => [p.t, p.o["h2h.home"]])).toEqual([
      [t0, [2.0, 0.5]],
      [t0 + 10_000, [2.2, 0.5]],
    ]);
  });

  it("is bounded: trimmed to the newest points, expiring, and read back within the window only", async () => {
    const writer = new PriceHistoryWriter(redis, limits);
    const t0 = Date.now() - 2 * 3_600_000;
    for (let i = 0; i < 8; i += 1) {
      writer.offer("e2", event("e2", 2 + i / 10));
      await writer.flush(t0 + i * 10_000);
    }
    expect(await redis.llen(KEYS.priceHistory("e2"))).toBe(5);
    expect(await redis.pttl(KEYS.priceHistory("e2"))).toBeGreaterThan(3_500_000);
    expect(await readPriceHistory(redis, "e2", Date.now())).toEqual([]); // all older than an hour
    expect((await readPriceHistory(redis, "e2", t0 + 80_000)).map((p) => p.o["h2h.home"]?.[0])).toEqual([2.3, 2.4, 2.5, 2.6, 2.7]);
  });

  it("forgets an event that left the board, and skips points that do not parse", async () => {
    const writer = new PriceHistoryWriter(redis, limits);
    writer.offer("e3", event("e3", 3));
    writer.offer("e3", null);
    expect(await writer.flush(Date.now())).toBe(0);
    await redis.rpush(
      KEYS.priceHistory("e4"),
      "not json",
      JSON.stringify({ t: Date.now(), o: { "h2h.home": [0.5, null] } }),
      JSON.stringify({ t: Date.now(), o: { "h2h.home": [2, null] } }),
    );
    expect((await readPriceHistory(redis, "e4", Date.now())).map((p) => p.o["h2h.home"])).toEqual([[2, null]]);
  });
});

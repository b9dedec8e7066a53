import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type EventOdds, KEYS, ReplayAnswer, applyChanges, readWireDelta } from "../../lib/protocol";
import { type FullStack, startFullStack, until } from "../support/full-stack";

/** GET /api/sports/snapshot[?since=] over real HTTP on the web app (server.ts). */
describe("GET /api/sports/snapshot", () => {
  let stack: FullStack;
  let redis: Redis;
  const url = (query: string) => `${stack.web.url}/api/sports/snapshot?${query}`;
  const get = async (query: string) => {
    const response = await fetch(url(query));
    return { status: response.status, cache: response.headers.get("cache-control"), body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    stack = await startFullStack(inject("pgServerUrl"), "snapshot", { ODDS_HISTORY_LENGTH: "10" });
    redis = new Redis(stack.redis.url);
    await until(async () => Number(await redis.get(KEYS.sportSeq("soccer_epl"))) > 0);
  });
  afterAll(async () => {
    redis?.disconnect();
    await stack?.stop();
  });

  const moveSomePrices = async (times: number) => {
    for (let i = 0; i < times; i += 1) {
      const seq = Number(await redis.get(KEYS.sportSeq("soccer_epl")));
      await stack.db
        .$executeRaw`UPDATE "BookPrice" bp SET price = round((bp.price * 1.07)::numeric, 2)::float8 FROM "Outcome" o JOIN "Market" m ON m.id = o."marketId" JOIN "Event" e ON e.id = m."eventId" WHERE bp."outcomeId" = o.id AND e.sport = 'soccer_epl' AND o.key = 'home'`;
      await until(async () => Number(await redis.get(KEYS.sportSeq("soccer_epl"))) > seq);
    }
  };

  it("returns the state with the seq it reflects, never cached", async () => {
    const { status, cache, body } = await get("sport=soccer_epl");
    expect(status).toBe(200);
    expect(cache).toBe("no-store");
    expect(body).toMatchObject({ sport: "soccer_epl", seq: Number(await redis.get(KEYS.sportSeq("soccer_epl"))) });
    expect((body.events as unknown[]).length).toBe(12);
  });

  it("replays every delta after `since`, in order and packed as the socket sends them, landing exactly on the current state", async () => {
    const start = await get("sport=soccer_epl");
    await moveSomePrices(3);
    const { body } = await get(`sport=soccer_epl&since=${start.body.seq}`);
    const replay = ReplayAnswer.parse(body);
    if ("resync" in replay) throw new Error("expected the deltas, got a resync snapshot");
    const deltas = replay.deltas.map((packed) => readWireDelta(packed));
    expect(deltas.map((d) => d?.seq)).toEqual([1, 2, 3].map((i) => (start.body.seq as number) + i));
    const events = new Map((start.body.events as EventOdds[]).map((e) => [e.id, e]));
    for (const delta of deltas) applyChanges(events, delta?.changes ?? []);
    const now = await get("sport=soccer_epl");
    expect(now.body.seq).toBe(body.seq);
    expect(events).toEqual(new Map((now.body.events as EventOdds[]).map((e) => [e.id, e])));
    expect((await get(`sport=soccer_epl&since=${now.body.seq}`)).body).toEqual({ sport: "soccer_epl", seq: now.body.seq, deltas: [] });
  });

  it("answers with a snapshot flagged resync when history no longer reaches back", async () => {
    const start = await get("sport=soccer_epl");
    await moveSomePrices(12); // beyond ODDS_HISTORY_LENGTH=10
    expect(await redis.xlen(KEYS.sportHistory("soccer_epl"))).toBe(10); // trimmed exactly
    expect(await redis.llen(KEYS.sportHistoryTimes("soccer_epl"))).toBe(10);
    const { body } = await get(`sport=soccer_epl&since=${start.body.seq}`);
    expect(body).toMatchObject({ resync: true, snapshot: { sport: "soccer_epl", seq: expect.any(Number) } });
    expect((await get(`sport=soccer_epl&since=${999_999}`)).body).toMatchObject({ resync: true });
  });

  it("refuses unknown sports and bad queries with a clear error", async () => {
    expect(await get("sport=curling_mars")).toMatchObject({ status: 404, body: { error: { code: "unknown_sport" } } });
    expect(await get("sport=Not A Sport")).toMatchObject({ status: 400, body: { error: { code: "invalid_request" } } });
    expect(await get("sport=soccer_epl&since=-3")).toMatchObject({ status: 400, body: { error: { code: "invalid_request" } } });
    expect(await get("since=4")).toMatchObject({ status: 400 });
  });
});

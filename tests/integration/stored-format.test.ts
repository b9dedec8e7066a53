import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, onTestFailed } from "vitest";
import { liveQuote } from "../../lib/bets/live-quote";
import { type Db, createDb } from "../../lib/db";
import { type EventOdds, KEYS, type OddsSnapshot, fairPriceOf, impliedOf, readSportState } from "../../lib/protocol";
import { seedDemoData } from "../../prisma/seed";
import { type TestClient, connectClient } from "../support/client";
import { until } from "../support/full-stack";
import { type Proc, logsOnFailure } from "../support/processes";
import { createTestDatabase, type RedisService, startRedisServer } from "../support/services";
import { type RelayProc, startPublisher, startRelay } from "../support/stack";

/**
 * Redis holding a state written by a version whose outcomes had no `implied` and `fairPrice`: the
 * relay and every other reader serve it with the fields derived, and the next leader rewrites it.
 */
describe("a state stored by an older publisher", () => {
  const SPORT = "soccer_epl";
  let db: Db;
  let dbUrl: string;
  let redis: RedisService;
  let client: Redis;
  let relay: RelayProc;
  let publisher: Proc | undefined;
  let watcher: TestClient;
  /** Event ids per sport whose stored JSON lost the new fields. */
  const stripped = new Map<string, string[]>();

  beforeAll(async () => {
    dbUrl = await createTestDatabase(inject("pgServerUrl"), "stored");
    db = createDb(dbUrl);
    await seedDemoData(db);
    redis = await startRedisServer();
    client = new Redis(redis.url);
    const first = await startPublisher(dbUrl, redis.url);
    await until(async () => (await client.scard(KEYS.sports)) === 5 && (await client.hlen(KEYS.sportState(SPORT))) > 0);
    await first.stop();
    // What an older version would have written: the same events without the two fields.
    for (const sport of await client.smembers(KEYS.sports)) {
      const state = await client.hgetall(KEYS.sportState(sport));
      if (Object.keys(state).length) await client.hset(KEYS.sportState(sport), Object.fromEntries(Object.entries(state).map(([id, json]) => [id, withoutNewFields(json)])));
      stripped.set(sport, Object.keys(state));
    }
    relay = await startRelay(redis.url);
  });

  afterAll(async () => {
    watcher?.close();
    await publisher?.stop();
    await relay?.stop();
    client?.disconnect();
    await redis?.stop();
    await db?.$disconnect();
  });

  beforeEach(() => logsOnFailure(onTestFailed, () => [relay, publisher]));

  it("is served whole by the relay, the state readers and bets, with the fields derived", async () => {
    const raw = await client.hgetall(KEYS.sportState(SPORT));
    expect(Object.values(raw).some((json) => json.includes("implied"))).toBe(false);
    const read = await readSportState(client, SPORT);
    expect(read.invalid).toBe(0);
    expect(read.legacy.sort()).toEqual([...(stripped.get(SPORT) ?? [])].sort());

    watcher = await connectClient(relay.url);
    expect(await watcher.emit("subscribe", { sports: [SPORT] })).toMatchObject({ ok: true });
    const snapshot = (await watcher.waitFor("odds:snapshot", (s) => s.sport === SPORT)) as OddsSnapshot;
    expect(snapshot.events.map((e) => e.id).sort()).toEqual([...(stripped.get(SPORT) ?? [])].sort());
    for (const outcome of outcomesOf(snapshot.events)) {
      expect(outcome.implied).toBe(impliedOf(outcome.price));
      expect(outcome.fairPrice).toBe(fairPriceOf(outcome.fair));
    }

    const [event] = snapshot.events;
    const [marketKey, market] = Object.entries(event?.markets ?? {})[0] ?? [];
    const outcomeKey = Object.keys(market?.outcomes ?? {})[0] ?? "";
    expect(await liveQuote(client, SPORT, event?.id ?? "", marketKey ?? "", outcomeKey)).toMatchObject({ price: market?.outcomes[outcomeKey]?.price });
  });

  it("is rewritten whole by the next leader, and relayed to clients as whole events", async () => {
    const seqBefore = Number(await client.get(KEYS.sportSeq(SPORT)));
    publisher = await startPublisher(dbUrl, redis.url);
    const ids = stripped.get(SPORT) ?? [];
    const delta = await watcher.waitFor("odds:delta", (d) => d.sport === SPORT && d.seq > seqBefore, 20_000);
    // Nothing about these events changed in the database: without the rewrite there would be no delta at all.
    const whole = delta.changes.filter((c) => c.path === "");
    expect(whole.map((c) => c.eventId).sort()).toEqual([...ids].sort());
    for (const change of whole) for (const outcome of outcomesOf([change.value as EventOdds])) expect(outcome.implied).toBe(impliedOf(outcome.price));

    // Every sport's state is in the new format once the leader's reconcile is through.
    await until(async () => {
      for (const sport of stripped.keys()) if ((await readSportState(client, sport)).legacy.length > 0) return false;
      return true;
    }, 20_000, "every stored event rewritten");
    for (const [sport, sportIds] of stripped) {
      const raw = await client.hmget(KEYS.sportState(sport), ...sportIds);
      for (const json of raw) expect(json).toContain('"implied":');
    }
  });
});

function withoutNewFields(json: string): string {
  return JSON.stringify(JSON.parse(json), (key, value: unknown) => (key === "implied" || key === "fairPrice" ? undefined : value));
}

function outcomesOf(events: EventOdds[]) {
  return events.flatMap((event) => Object.values(event.markets).flatMap((market) => Object.values(market.outcomes)));
}

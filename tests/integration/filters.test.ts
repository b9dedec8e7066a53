import fc from "fast-check";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { CHANNELS, type Change, type EventBooks, type EventOdds, type OddsDelta, type SubscribeResult } from "../../lib/protocol";
import { eventOdds, market, outcome } from "../../lib/protocol/test-events";
import { BoardWriter, cut, wholeEvents } from "../support/board-writer";
import { type TestClient, connectClient } from "../support/client";
import { until } from "../support/full-stack";
import { type Follower, follow, sequenceReport } from "../support/live-client";
import { boardArb, changeArb, marketFilterArb } from "../support/odds-arbitraries";
import { logsOnFailure } from "../support/processes";
import { type RedisService, startRedisServer } from "../support/services";
import { type RelayProc, startRelay } from "../support/stack";

/** Delta paths that reach into markets outside `markets`: a filtered client must never see one. */
const foreignPaths = (deltas: OddsDelta[], markets: readonly string[]) =>
  deltas.flatMap((d) => d.changes).filter((c) => c.path.startsWith("markets.") && !markets.includes(c.path.split(".")[1] ?? ""));

/** The relay on a real Redis; odds are committed through the real StateStore, as the publisher does. */
describe("subscription filters", () => {
  let redis: RedisService;
  let bus: Redis;
  let relay: RelayProc;
  const clients: TestClient[] = [];
  let runs = 0;

  const connect = async () => {
    const client = await connectClient(relay.url);
    clients.push(client);
    return client;
  };
  const closeAll = () => {
    for (const client of clients.splice(0)) client.close();
  };

  /** A fresh sport with `board` committed as its first delta. */
  const newSport = async (board: EventOdds[]) => {
    runs += 1;
    const writer = new BoardWriter(bus, `filters_${runs}`);
    await writer.commit(wholeEvents(board));
    return writer;
  };

  beforeAll(async () => {
    redis = await startRedisServer();
    bus = new Redis(redis.url);
    await BoardWriter.lead(bus);
    // Every client shares 127.0.0.1, and a shrinking property opens many.
    relay = await startRelay(redis.url, { RELAY_MAX_CONNECTIONS_PER_IP: "10000" });
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await relay?.stop();
    bus?.disconnect();
    await redis?.stop();
  });

  it("property: filtered clients hold exactly the filtered board after random changes, every seq arriving once, empty deltas included; a resume with the filter replays exactly", {
    timeout: 240_000,
  }, async () => {
    logsOnFailure(onTestFailed, () => [relay]);
    await fc.assert(
      fc.asyncProperty(
        boardArb,
        fc.array(fc.array(changeArb, { maxLength: 6 }), { minLength: 6, maxLength: 24 }),
        marketFilterArb,
        marketFilterArb,
        async (board, steps, f, g) => {
          try {
            await filteredRun(board, steps, f, g);
          } finally {
            closeAll();
          }
        },
      ),
      { numRuns: 15 },
    );
  });

  async function filteredRun(board: EventOdds[], steps: Change[][], f: string[], g: string[]): Promise<void> {
    const writer = await newSport(board);
    const sport = writer.sport;
    const plan: Array<[string[] | null, number]> = [
      [null, 1],
      [f, 2],
      [g, 1],
    ]; // unfiltered, two sharing a filter, another
    const followers: Array<{ follower: Follower; markets: string[] | null }> = [];
    for (const [markets, count] of plan) {
      for (let i = 0; i < count; i += 1) {
        const follower = follow(await connect());
        const ack = await follower.client.emit("subscribe", { sports: [sport], ...(markets ? { markets } : {}) });
        expect(ack).toMatchObject({ ok: true, sports: { [sport]: { mode: "snapshot" } } });
        followers.push({ follower, markets });
      }
    }
    const resumer = follow(await connect());
    await resumer.client.emit("subscribe", { sports: [sport], markets: f });
    const half = Math.floor(steps.length / 2);
    for (const step of steps.slice(0, half)) await writer.commit(step);
    await until(async () => resumer.store.seq(sport) === writer.seq, 10_000, "the resumer at the half-way seq");
    resumer.client.close();
    const held = resumer.store.seq(sport) ?? 0;
    for (const step of steps.slice(half)) await writer.commit(step);

    const back = follow(await connect());
    back.store.applySnapshot({ sport, seq: held, ts: 0, events: [...resumer.store.board(sport).values()] }); // what the page kept
    const ack = await back.client.emit<SubscribeResult>("subscribe", { sports: [sport], markets: f, resume: { [sport]: held } });
    // The relay may not have the last commits yet (pub/sub reaches it after Redis answered the
    // writer): those follow as live deltas. What it replayed must be exactly what it had.
    const answer = ack.ok ? ack.sports[sport] : undefined;
    expect(answer).toEqual({ seq: expect.any(Number), mode: answer?.seq === held ? "current" : "replay", replayed: (answer?.seq ?? 0) - held });

    for (const { follower, markets } of [...followers, { follower: back, markets: f }]) {
      await until(async () => follower.store.seq(sport) === writer.seq, 10_000, `a client filtered by ${markets} at seq ${writer.seq}`);
      expect(follower.store.board(sport)).toEqual(cut(writer.events, markets));
      expect(follower.gaps).toBe(0);
      const received = follower.store.received.get(sport) ?? [];
      expect(sequenceReport(received)).toMatchObject({ duplicates: [], gaps: [], resyncs: 0, last: writer.seq });
      // Every seq from the first snapshot on arrived as its own delta, empty ones too.
      expect(received.filter((r) => r.kind === "delta")).toHaveLength(writer.seq - (received[0]?.seq ?? 0));
      if (markets) expect(foreignPaths(follower.client.of("odds:delta"), markets)).toEqual([]);
    }
  }

  it("a new filter for a held sport sends the state under it, flagged resync, and only its deltas follow", async () => {
    const writer = await newSport([
      eventOdds("e1", { markets: { h2h: market("h2h", { home: outcome(2) }), totals: market("totals", { over: outcome(1.9) }) } }),
    ]);
    const sport = writer.sport;
    const follower = follow(await connect());
    await follower.client.emit("subscribe", { sports: [sport], markets: ["h2h"] });
    await writer.commit([{ eventId: "e1", path: "markets.totals.outcomes.over.price", value: 1.8 }]);
    await until(async () => follower.store.seq(sport) === writer.seq, 10_000, "the empty delta");
    expect(follower.client.of("odds:delta").at(-1)?.changes).toEqual([]);

    const ack = await follower.client.emit("subscribe", { sports: [sport], markets: ["totals"], resume: { [sport]: writer.seq } });
    expect(ack).toMatchObject({ ok: true, sports: { [sport]: { mode: "snapshot", seq: writer.seq } } });
    const snapshot = follower.client.of("odds:snapshot").at(-1);
    expect(snapshot).toMatchObject({ seq: writer.seq, resync: true });
    expect(Object.keys(snapshot?.events[0]?.markets ?? {})).toEqual(["totals"]);
    await writer.commit([{ eventId: "e1", path: "markets.h2h.outcomes.home.price", value: 2.2 }]);
    await writer.commit([{ eventId: "e1", path: "markets.totals.outcomes.over.price", value: 1.7 }]);
    await until(async () => follower.store.seq(sport) === writer.seq, 10_000, "both deltas");
    expect(
      follower.client
        .of("odds:delta")
        .slice(-2)
        .map((d) => d.changes),
    ).toEqual([[], [{ eventId: "e1", path: "markets.totals.outcomes.over.price", value: 1.7 }]]);
    const ping = await follower.client.emit<{ rooms: string[] }>("ping");
    expect(ping.ok && ping.rooms).toEqual([`sport:${sport}|m=totals`]); // left the h2h room

    // Back to every market: the whole state again.
    await follower.client.emit("subscribe", { sports: [sport], resume: { [sport]: writer.seq } });
    expect(follower.store.board(sport)).toEqual(writer.events);
    expect(await follower.client.emit("unsubscribe", {})).toMatchObject({ ok: true, sports: [] });
    const after = await follower.client.emit<{ rooms: string[] }>("ping");
    expect(after.ok && after.rooms).toEqual([]);
  });

  it("cuts event:books by the subscription's markets and bookmakers; event updates reach filtered rooms", async () => {
    const writer = await newSport([eventOdds("e7")]);
    const sport = writer.sport;
    const whole = await connect();
    const cutClient = await connect();
    const elsewhere = await connect();
    await whole.emit("subscribe", { sports: [sport], events: ["e7"] });
    await cutClient.emit("subscribe", { sports: [sport], events: ["e7"], markets: ["h2h"], books: ["pinnacle"] });
    await elsewhere.emit("subscribe", { sports: [sport], events: ["e7"], markets: ["spreads"] });
    const books = (markets: EventBooks["markets"], ts: number) =>
      bus.publish(CHANNELS.eventUpdates, JSON.stringify({ v: 1, type: "event:books", eventId: "e7", sport, ts, markets }));
    const quotes = (price: number) => ({
      home: [
        { book: "bet365", price, updatedAt: 1 },
        { book: "pinnacle", price: price + 0.1, updatedAt: 1 },
      ],
    });
    await books({ h2h: quotes(2), totals: { over: [{ book: "pinnacle", price: 1.9, updatedAt: 1 }] } }, 1);
    await books({ spreads: quotes(1.9) }, 2);
    await bus.publish(CHANNELS.eventUpdates, JSON.stringify({ v: 1, type: "event:update", eventId: "e7", sport, phase: "live", ts: 3 }));

    for (const client of [whole, cutClient, elsewhere]) await client.waitFor("event:update", (u) => u.ts === 3);
    expect(whole.of("event:books").map((b) => Object.keys(b.markets))).toEqual([["h2h", "totals"], ["spreads"]]);
    expect(cutClient.of("event:books")).toEqual([
      { eventId: "e7", sport, ts: 1, markets: { h2h: { home: [{ book: "pinnacle", price: 2.1, updatedAt: 1 }] } } },
    ]);
    expect(elsewhere.of("event:books")).toEqual([{ eventId: "e7", sport, ts: 2, markets: { spreads: quotes(1.9) } }]);
  });

  it("refuses bad filters with invalid_payload and keeps the connection", async () => {
    const writer = await newSport([eventOdds("e1")]);
    const client = await connect();
    const sports = [writer.sport];
    const bad: unknown[] = [
      { sports, markets: [] },
      { sports, markets: "h2h" },
      { sports, markets: ["bad key!"] },
      { sports, markets: ["a.b"] },
      { sports, markets: Array.from({ length: 33 }, (_, i) => `m${i}`) },
      { sports, events: ["e1"], books: [] },
      { sports, events: ["e1"], books: ["a,b"] },
      { sports, events: ["e1"], books: ["x|y"] },
      { sports, books: ["pinnacle"] }, // books filter event:books: without events it would do nothing
    ];
    for (const request of bad) expect(await client.emit("subscribe", request)).toMatchObject({ ok: false, error: { code: "invalid_payload" } });
    expect(client.of("error")).toHaveLength(bad.length);
    expect(await client.emit("subscribe", { sports, events: ["e1"], markets: ["h2h"], books: ["pinnacle"] })).toMatchObject({ ok: true });
    const ping = await client.emit<{ rooms: string[] }>("ping");
    expect(ping.ok && ping.rooms.sort()).toEqual([`event:e1|m=h2h|b=pinnacle`, "chat:e1", `sport:${writer.sport}|m=h2h`].sort());
  });

  it("counts a sport or event once however often its filter changes", async () => {
    const limited = await startRelay(redis.url, { RELAY_MAX_SUBSCRIPTIONS: "2" });
    const writer = await newSport([eventOdds("e1")]);
    const client = await connectClient(limited.url);
    try {
      for (const markets of [["h2h"], ["totals"], ["h2h", "totals"]]) {
        expect(await client.emit("subscribe", { sports: [writer.sport], events: ["e1"], markets })).toMatchObject({ ok: true });
      }
      expect(await client.emit("subscribe", { sports: [writer.sport], events: ["e2"] })).toMatchObject({
        ok: false,
        error: { code: "too_many_subscriptions" },
      });
      expect(await client.emit("unsubscribe", { events: ["e1"] })).toMatchObject({ ok: true, sports: [writer.sport] });
      expect(await client.emit("subscribe", { sports: [writer.sport], events: ["e2"] })).toMatchObject({ ok: true });
    } finally {
      client.close();
      await limited.stop();
    }
  });
});

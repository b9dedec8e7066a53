// Over 300 lines: each limit a slow reader can reach, with real stalled TCP sockets.
import { Redis } from "ioredis";
import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { statusText } from "../../app/sports/live-status-text";
import { CHANNELS, type ClientStats, type EventBooks, type EventOdds, type PingResult, type SubscribeResult } from "../../lib/protocol";
import { eventOdds, market, outcome } from "../../lib/protocol/test-events";
import { BoardWriter, cut, wholeEvents } from "../support/board-writer";
import { type TestClient, connectClient, tcpOf } from "../support/client";
import { until } from "../support/full-stack";
import { metric } from "../support/metrics";
import { type Follower, type LiveClient, follow, liveClient, sequenceReport } from "../support/live-client";
import { logsOnFailure } from "../support/processes";
import { type RedisService, startRedisServer } from "../support/services";
import { type RelayProc, startRelay } from "../support/stack";

/**
 * Slow consumers against a real relay process: clients whose TCP socket is paused (so the relay's
 * writes back up, first in the kernel, then in the relay) while odds are committed through the
 * real StateStore. Each test waits for what the relay reports (its /metrics), never for a fixed time.
 */

const SPORT = "slow_sport";
const SOFT = 64 * 1024;
const EVENTS = 200;

/**
 * A board of 200 events with h2h and totals. Each move replaces every event whole, with names that
 * change (about 270 KB a delta), so a few dozen deltas fill the kernel's buffers of a paused
 * client quickly, well inside Engine.IO's ping timeout.
 */
function boardAt(step: number): EventOdds[] {
  const name = (side: string) => `${side} ${"x".repeat(150)} ${step}`;
  const o = (price: number, side: string) => outcome(1.5 + ((step * 7 + price) % 300) / 100, { name: name(side) });
  return Array.from({ length: EVENTS }, (_, i) =>
    eventOdds(`ev${i}`, {
      markets: {
        h2h: market("h2h", { home: o(i, "home"), draw: o(i + 1, "draw"), away: o(i + 2, "away") }),
        totals: market("totals", { over: o(i + 3, "over"), under: o(i + 4, "under") }),
      },
    }),
  );
}

describe("slow consumers", () => {
  let redis: RedisService;
  let bus: Redis;
  let relay: RelayProc | undefined;
  let writer: BoardWriter;
  let step = 0;
  const clients: TestClient[] = [];
  const lives: LiveClient[] = [];

  const connect = async () => {
    const client = await connectClient(relay?.url ?? "");
    clients.push(client);
    return client;
  };
  const move = async () => writer.commit(wholeEvents(boardAt((step += 1))));
  const books = (markets: EventBooks["markets"], ts: number) =>
    bus.publish(CHANNELS.eventUpdates, JSON.stringify({ v: 1, type: "event:books", eventId: "ev0", sport: SPORT, ts, markets }));
  const quotes = (price: number) => ({
    home: [
      { book: "bet365", price, updatedAt: 1 },
      { book: "pinnacle", price: price + 0.1, updatedAt: 1 },
    ],
  });
  const relayHealth = async () =>
    (await (await fetch(`${relay?.url}/health`)).json()) as {
      connections: number;
      sports: { sport: string; seq: number }[];
      delivery: { slowConsumers: number; bufferedBytes: number };
    };
  /** Commits moves until the relay holds `count` connections back. */
  const untilSlow = async (count: number) => {
    for (let moves = 0; (await metric(relay?.url ?? "", "relay_slow_consumers")) < count; moves += 1) {
      if (moves === 500) throw new Error(`the relay did not hold ${count} connection(s) back after 500 deltas`);
      await move();
    }
  };

  beforeAll(async () => {
    redis = await startRedisServer();
    bus = new Redis(redis.url);
    await BoardWriter.lead(bus);
    writer = new BoardWriter(bus, SPORT);
    await writer.commit(wholeEvents(boardAt(0)));
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    for (const live of lives.splice(0)) live.connection.close();
    await relay?.stop();
    relay = undefined;
  });

  afterAll(async () => {
    bus?.disconnect();
    await redis?.stop();
  });

  it("holds a slow reader back and conflates: it lands on the exact state with an intact chain, while a fast client gets every delta", {
    timeout: 180_000,
  }, async () => {
    const hard = 2 * 1024 * 1024;
    relay = await startRelay(redis.url, {
      RELAY_SLOW_SOFT_BYTES: String(8 * SOFT),
      RELAY_SLOW_HARD_BYTES: String(hard),
      RELAY_SLOW_MAX_MS: "60000",
      RELAY_STATS_INTERVAL_MS: "500",
    });
    logsOnFailure(onTestFailed, () => [relay]);
    const fast = follow(await connect());
    const whole = follow(await connect());
    const cutBack = follow(await connect());
    await fast.client.emit("subscribe", { sports: [SPORT] });
    await whole.client.emit("subscribe", { sports: [SPORT], events: ["ev0"] });
    await cutBack.client.emit("subscribe", { sports: [SPORT], events: ["ev0"], markets: ["h2h"], books: ["pinnacle"] });
    const firstSeq = writer.seq;
    const slow = [whole, cutBack];
    const pause = () =>
      slow.forEach((f) => {
        tcpOf(f.client.socket).pause();
      });
    const resume = () =>
      slow.forEach((f) => {
        tcpOf(f.client.socket).resume();
      });

    for (let round = 0; round < 2; round += 1) {
      pause();
      await untilSlow(2);
      // Held back now: these deltas and book-level prices reach them only conflated.
      for (let i = 0; i < 5; i += 1) await move();
      await books({ h2h: quotes(2 + round) }, 10 * round + 1);
      await books(
        {
          totals: {
            over: [
              { book: "pinnacle", price: [1.8, 1.9][round] ?? 0, updatedAt: 1 },
              { book: "bet365", price: 1.7, updatedAt: 1 },
            ],
          },
        },
        10 * round + 2,
      );
      await books({ h2h: quotes(2.5 + round) }, 10 * round + 3);
      resume();
      // They drain (the relay's sweep sees it), catch up with merged deltas, and take deltas again.
      await until(async () => (await metric(relay?.url ?? "", "relay_slow_consumers")) === 0, 30_000, "the slow clients drained");
    }
    // The fast client is not held up behind them: with both stalled, it still gets everything.
    pause();
    for (let i = 0; i < 5; i += 1) await move();
    await until(async () => fast.store.seq(SPORT) === writer.seq, 20_000, "the fast client at the last seq");
    expect(slow.map((f) => (f.store.seq(SPORT) ?? 0) < writer.seq)).toEqual([true, true]);
    resume();

    for (const [follower, markets] of [
      [fast, null],
      [whole, null],
      [cutBack, ["h2h"]],
    ] as const) {
      await until(async () => follower.store.seq(SPORT) === writer.seq, 30_000, "every client at the last seq");
      expect(follower.store.board(SPORT)).toEqual(cut(writer.events, markets ? [...markets] : null));
      expect(follower.gaps).toBe(0);
      expect(sequenceReport(follower.store.received.get(SPORT) ?? [])).toMatchObject({ duplicates: [], gaps: [] });
    }
    const deltas = (f: Follower) => (f.store.received.get(SPORT) ?? []).filter((r) => r.kind === "delta");
    expect(deltas(fast)).toHaveLength(writer.seq - firstSeq); // every delta, one by one, in order
    for (const f of slow) {
      expect(deltas(f).length).toBeLessThan(writer.seq - firstSeq);
      expect(deltas(f).some((d) => d.kind === "delta" && d.seq - d.prevSeq > 1)).toBe(true); // merged
    }
    // Book-level prices: the latest per market, cut by the filter; superseded ones were dropped.
    const latest = (f: Follower) => Object.assign({}, ...f.client.of("event:books").map((b) => b.markets));
    expect(latest(whole)).toEqual({
      h2h: quotes(3.5),
      totals: {
        over: [
          { book: "pinnacle", price: 1.9, updatedAt: 1 },
          { book: "bet365", price: 1.7, updatedAt: 1 },
        ],
      },
    });
    expect(latest(cutBack)).toEqual({ h2h: { home: [quotes(3.5).home[1]] } });

    // Counters: per connection in `stats` and the ping ack, and relay-wide in /metrics.
    const stats = await whole.client.waitFor("stats", (s: ClientStats) => s.conflated > 0 && s.dropped > 0 && !s.slow, 10_000);
    expect(stats.lag[SPORT]).toMatchObject({ behind: 0, ms: 0 });
    const ping = (await cutBack.client.emit("ping")) as { ok: true } & PingResult;
    expect(ping.stats).toMatchObject({ slow: false, lag: { [SPORT]: { seq: writer.seq, behind: 0 } } });
    expect(ping.stats.conflated).toBeGreaterThan(0);
    expect(ping.rooms).not.toContain("slow");
    expect(await metric(relay.url, "relay_deltas_conflated_total")).toBeGreaterThan(0);
    expect(await metric(relay.url, "relay_messages_dropped_total", 'event="event:books"')).toBeGreaterThan(0);
    expect(await metric(relay.url, "relay_messages_sent_total")).toBeGreaterThan(0);
    expect(await metric(relay.url, "relay_slow_consumer_disconnects_total", 'reason="hard_limit"')).toBe(0);
    expect(await metric(relay.url, "relay_slow_consumer_disconnects_total", 'reason="too_long"')).toBe(0);
    expect(await metric(relay.url, "relay_connection_buffered_bytes_peak")).toBeLessThanOrEqual(hard);
  });

  it("cuts a client that stops reading with slow_consumer and releases what the relay held for it", { timeout: 120_000 }, async () => {
    relay = await startRelay(redis.url, {
      RELAY_SLOW_SOFT_BYTES: String(SOFT),
      RELAY_SLOW_HARD_BYTES: String(8 * 1024 * 1024),
      RELAY_SLOW_MAX_MS: "1500",
      RELAY_SLOW_GRACE_MS: "500",
    });
    logsOnFailure(onTestFailed, () => [relay]);
    const fast = follow(await connect());
    const dead = await connect();
    await fast.client.emit("subscribe", { sports: [SPORT] });
    await dead.emit("subscribe", { sports: [SPORT] });
    const closed = new Promise<string>((resolve) => dead.socket.once("disconnect", resolve));
    tcpOf(dead.socket).pause();
    await untilSlow(1);
    expect(await metric(relay.url, "relay_buffered_bytes")).toBeGreaterThan(SOFT);
    await until(async () => (await metric(relay?.url ?? "", "relay_slow_consumer_disconnects_total", 'reason="too_long"')) === 1, 10_000, "the cut");
    // The transport is destroyed after the grace period: nothing is held for it any more.
    await until(
      async () => (await relayHealth()).connections === 1 && (await metric(relay?.url ?? "", "relay_buffered_bytes")) === 0,
      10_000,
      "the dead client's transport gone",
    );
    expect((await relayHealth()).delivery).toEqual({ slowConsumers: 0, filterVariants: 0, bufferedBytes: 0 });
    expect(await metric(relay.url, "relay_connections")).toBe(1);
    await move();
    await until(async () => fast.store.seq(SPORT) === writer.seq, 20_000, "the fast client at the last seq");
    expect(sequenceReport(fast.store.received.get(SPORT) ?? [])).toMatchObject({ duplicates: [], gaps: [] });
    tcpOf(dead.socket).resume();
    expect(await closed).toBe("transport close");
  });

  it("answers a resume whose replay would not fit half the hard limit with a resync snapshot, so catching up never cuts a client", {
    timeout: 60_000,
  }, async () => {
    relay = await startRelay(redis.url, { RELAY_SLOW_SOFT_BYTES: String(SOFT), RELAY_SLOW_HARD_BYTES: String(1024 * 1024) });
    const resumeAfter = async (moves: number) => {
      const before = follow(await connect());
      await before.client.emit("subscribe", { sports: [SPORT] });
      before.client.close();
      const held = writer.seq;
      for (let i = 0; i < moves; i += 1) await move();
      // The relay has the last delta (pub/sub reaches it after Redis answered the writer).
      await until(async () => (await relayHealth()).sports.some((s) => s.sport === SPORT && s.seq === writer.seq), 10_000, "the relay at the last seq");
      const back = follow(await connect());
      const ack = await back.client.emit<SubscribeResult>("subscribe", { sports: [SPORT], resume: { [SPORT]: held } });
      await until(async () => back.store.has(SPORT) || back.client.of("odds:delta").length === moves, 10_000, "the catch-up");
      return { ack, back };
    };
    const short = await resumeAfter(1); // ~270 KB: replayed
    expect(short.ack).toMatchObject({ ok: true, sports: { [SPORT]: { mode: "replay", replayed: 1 } } });
    const long = await resumeAfter(3); // ~810 KB: over half of 1 MiB
    expect(long.ack).toMatchObject({ ok: true, sports: { [SPORT]: { mode: "snapshot", seq: writer.seq } } });
    expect(long.back.client.of("odds:snapshot")).toMatchObject([{ seq: writer.seq, resync: true }]);
    expect(long.back.store.board(SPORT)).toEqual(writer.events);
    expect(long.back.client.socket.connected).toBe(true);
    expect(await metric(relay.url, "relay_slow_consumer_disconnects_total", 'reason="hard_limit"')).toBe(0);
  });

  it("cuts a client over the hard limit with slow_consumer; the page shows why, comes back by itself and resumes to the exact state", {
    timeout: 120_000,
  }, async () => {
    // The hard limit must hold the resume that follows the cut (a replay of whole 270 KB deltas).
    relay = await startRelay(redis.url, {
      RELAY_SLOW_SOFT_BYTES: String(SOFT),
      RELAY_SLOW_HARD_BYTES: String(2 * 1024 * 1024),
      RELAY_SLOW_MAX_MS: "60000",
      RELAY_SLOW_GRACE_MS: "60000",
    });
    logsOnFailure(onTestFailed, () => [relay]);
    const page = liveClient(relay.url, [SPORT]);
    lives.push(page);
    const errors: string[] = [];
    const badge: string[] = []; // what the page's live badge said while reconnecting
    page.connection.onStatus(() => {
      const status = page.connection.status();
      if (status.error && errors.at(-1) !== status.error) errors.push(status.error);
      const { detail } = statusText(status);
      if (status.state === "reconnecting" && detail && badge.at(-1) !== detail) badge.push(detail);
    });
    let reconnects = 0;
    page.connection.onReconnect(() => (reconnects += 1));
    await until(async () => page.store.seq(SPORT) === writer.seq, 10_000, "the page's first snapshot");
    const socket = (page.connection as unknown as { socket: Socket }).socket;
    tcpOf(socket).pause();
    await untilSlow(1);
    // Held back from odds, it still gets small messages: enough of them cross the hard limit.
    for (let batch = 0; (await metric(relay.url, "relay_slow_consumer_disconnects_total", 'reason="hard_limit"')) < 1; batch += 1) {
      const pipeline = bus.pipeline();
      for (let i = 0; i < 1_000; i += 1)
        pipeline.publish(
          CHANNELS.eventUpdates,
          JSON.stringify({ v: 1, type: "event:update", eventId: "ev1", sport: SPORT, phase: "live", ts: batch * 1_000 + i }),
        );
      await pipeline.exec();
    }
    await move(); // missed while cut off
    tcpOf(socket).resume();
    await until(async () => reconnects === 1 && page.store.seq(SPORT) === writer.seq, 30_000, "the page back at the last seq");
    expect(errors).toContainEqual(expect.stringMatching(/^slow_consumer: too slow: over 2097152 bytes waiting/));
    expect(badge).toContain("This page fell behind the live prices and was disconnected; catching up.");
    expect(page.store.board(SPORT)).toEqual(writer.events);
    expect(sequenceReport(page.store.received.get(SPORT) ?? [])).toMatchObject({ duplicates: [], gaps: [] });
    expect(page.connection.status()).toMatchObject({ state: "live", error: null });
  });
});

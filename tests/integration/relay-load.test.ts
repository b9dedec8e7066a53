import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientFleet } from "../../bench/support/load-fleet";
import { type RelayUnderTest, type ServerUnderTest, relayEnv, startRelayUnderTest, startWsUnderTest } from "../../bench/support/load-servers";
import { SyntheticPublisher } from "../../bench/support/synthetic-publisher";
import { CHANNELS, type OddsDeltaMessage } from "../../lib/protocol";
import { until } from "../support/full-stack";
import { type RedisService, startRedisServer } from "../support/services";

/**
 * bench/relay-load.ts measures with these parts (synthetic publisher, client processes, relay and
 * bare ws servers); a bench whose counting were wrong would report numbers that mean nothing. At
 * a small scale, with real processes: every delivery is counted, a kill -9 is recovered from with
 * nothing missed, and a hole in the seqs is counted as a gap.
 */
describe("relay-load bench machinery", () => {
  const SPORTS = ["soccer_epl", "basketball_nba"];
  const BASELINE_SPORTS = ["soccer_epl_b"];
  const CLIENTS = 12;
  let redis: RedisService;
  let commands: Redis;
  let publisher: SyntheticPublisher;
  let relay: RelayUnderTest;
  let baseline: ServerUnderTest;
  let relayClients: ClientFleet;
  const fleets: ClientFleet[] = [];

  const fleet = async (url: string, transport: "socket.io" | "ws", sports: string[]) => {
    const started = await ClientFleet.start(2);
    fleets.push(started);
    const connection = await started.connect({ url, transport, total: CLIENTS, sports, reconnect: true, libraryDelays: false });
    expect(connection).toEqual({ connected: CLIENTS, failed: 0, firstError: null });
    return started;
  };

  beforeAll(async () => {
    redis = await startRedisServer();
    commands = new Redis(redis.url);
    publisher = new SyntheticPublisher(commands, { sports: [...SPORTS, ...BASELINE_SPORTS], eventsPerSport: 3, changesPerDelta: 2 });
    await publisher.setup();
    relay = await startRelayUnderTest(redis.url, relayEnv(CLIENTS, {}).env);
    baseline = await startWsUnderTest(redis.url);
  });

  afterAll(async () => {
    for (const f of fleets) await f.close();
    publisher?.stopHeartbeat();
    await relay?.stop();
    await baseline?.stop();
    commands?.disconnect();
    await redis?.stop();
  });

  it("counts one delivery per delta per client, each with a latency sample, and no gap", async () => {
    const clients = (relayClients = await fleet(relay.url, "socket.io", SPORTS));
    await clients.reset();
    const run = await publisher.run(40, 1, SPORTS);
    expect(await clients.awaitSeqs(publisher.current(SPORTS), 20_000)).toBe(0);
    const stats = await clients.stats();
    expect(run.deltas).toBeGreaterThan(0);
    expect(stats.deliveries).toBe(run.deltas * CLIENTS);
    expect(stats.latency.count).toBe(stats.deliveries);
    expect({ gaps: stats.gaps, duplicates: stats.duplicates, replayed: stats.replayed }).toEqual({ gaps: 0, duplicates: 0, replayed: 0 });
  });

  it("after a kill -9 of the relay, every client comes back, resumes from its seqs and misses nothing", async () => {
    const clients = relayClients;
    await clients.reset();
    const running = publisher.start(40, SPORTS);
    await relay.kill();
    await relay.restart();
    await until(async () => (await clients.stats()).recoveries.filter((r) => r.resumedAt !== null).length === CLIENTS, 30_000, "every client resumed");
    const run = await running.stop();
    expect(await clients.awaitSeqs(publisher.current(SPORTS), 20_000)).toBe(0);
    const stats = await clients.stats();
    expect(run.deltas).toBeGreaterThan(0);
    expect(stats.recoveries).toHaveLength(CLIENTS);
    expect({ gaps: stats.gaps, duplicates: stats.duplicates, resyncs: stats.resyncs, snapshots: stats.modes.snapshot }).toEqual({
      gaps: 0,
      duplicates: 0,
      resyncs: 0,
      snapshots: 0,
    });
    expect(stats.modes.replay + stats.modes.current).toBe(CLIENTS * SPORTS.length);
    expect(stats.modes.replay).toBeGreaterThan(0); // deltas were published while no relay ran
    // Every delta published while the relay was away or back reached every client: live or replayed.
    expect(stats.deliveries + stats.replayed).toBe(run.deltas * CLIENTS);
  });

  it("counts a hole in the seqs as a gap at every client of the stateless baseline", async () => {
    const clients = await fleet(baseline.url, "ws", BASELINE_SPORTS);
    const [sport] = BASELINE_SPORTS as [string];
    await publisher.run(20, 0.5, BASELINE_SPORTS); // every client now holds a seq of the sport
    expect(await clients.awaitSeqs(publisher.current(BASELINE_SPORTS), 20_000)).toBe(0);
    await clients.reset();
    const held = publisher.current(BASELINE_SPORTS)[sport] ?? 0;
    // Straight onto the channel, one seq skipped: what a lost message looks like to a subscriber.
    const skipped: OddsDeltaMessage = { v: 1, type: "odds:delta", sport, seq: held + 2, prevSeq: held + 1, ts: Date.now(), changes: [] };
    await commands.publish(CHANNELS.sportsOdds, JSON.stringify(skipped));
    expect(await clients.awaitSeqs({ [sport]: held + 2 }, 20_000)).toBe(0);
    const stats = await clients.stats();
    expect({ deliveries: stats.deliveries, gaps: stats.gaps }).toEqual({ deliveries: CLIENTS, gaps: CLIENTS });
  });
});

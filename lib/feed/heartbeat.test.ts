import { describe, expect, it, vi } from "vitest";
import type { Logger } from "../log";
import { ProducerBeat, type RedisBeatWrite } from "../protocol";
import { Heartbeat, type ProductionReport, beatOf } from "./heartbeat";
import { simulatorVouches } from "./sim-market";

const report: ProductionReport = {
  state: "stale",
  reason: "The Odds API answers odds with server errors",
  lastProducedAt: 1_000,
  sports: { soccer_epl: { freshUntil: 90_000 }, basketball_nba: { freshUntil: 120_000 } },
};
const identity = { producer: "the-odds-api", instanceId: "host:42" } as const;

describe("beatOf", () => {
  it("an active instance reports its production: state, reason, last write and what it vouches for per sport", () => {
    const beat = beatOf(identity, "active", report, 5_000);
    expect(beat).toEqual({
      v: 1,
      producer: "the-odds-api",
      instanceId: "host:42",
      role: "active",
      at: 5_000,
      lastProducedAt: 1_000,
      state: "stale",
      reason: report.reason,
      sports: report.sports,
    });
    expect(ProducerBeat.parse(beat)).toEqual(beat);
  });

  it("a standby vouches for no sport and has nothing to fail at", () => {
    const beat = beatOf(identity, "standby", report, 5_000);
    expect(beat).toMatchObject({ role: "standby", state: "ok", reason: null, sports: {}, lastProducedAt: 1_000 });
    expect(ProducerBeat.parse(beat)).toEqual(beat);
  });

  it("stays inside the wire schema: a sport key the protocol does not allow is left out, a long reason cut", () => {
    const beat = beatOf(identity, "active", { ...report, reason: "x".repeat(500), sports: { ...report.sports, "Not A Key!": { freshUntil: 90_000 } } }, 5_000);
    expect(Object.keys(beat.sports).sort()).toEqual(["basketball_nba", "soccer_epl"]);
    expect(beat.reason).toHaveLength(300);
    expect(ProducerBeat.safeParse(beat).success).toBe(true);
  });
});

describe("simulatorVouches", () => {
  it("vouches for every sport of the markets it moves, once each, until the same time; a market off the board vouches for nothing", () => {
    const vouches = simulatorVouches([{ sport: "soccer_epl" }, { sport: "soccer_epl" }, { sport: "basketball_nba" }, { sport: null }], 42_000);
    expect(vouches).toEqual({ soccer_epl: { freshUntil: 42_000 }, basketball_nba: { freshUntil: 42_000 } });
  });
});

describe("Heartbeat", () => {
  /** A Redis that fails while `down`, recording what was written. */
  function fakeRedis() {
    const state = { down: false, written: [] as ProducerBeat[] };
    const redis: RedisBeatWrite = {
      // writeProducerBeat's script: KEYS (beat, index), then ARGV (beat JSON, TTL, member).
      eval: async (_script, _keys, _beatKey, _index, json) => {
        if (state.down) throw new Error("connect ECONNREFUSED");
        state.written.push(ProducerBeat.parse(JSON.parse(String(json))));
        return 0;
      },
    };
    return { redis, state };
  }

  it("logs a failing write once per streak, keeps beating, and says whether its last active beat landed recently", async () => {
    const { redis, state } = fakeRedis();
    const log = { warn: vi.fn(), info: vi.fn() };
    let now = 10_000;
    let role: "active" | "standby" = "active";
    const heartbeat = new Heartbeat({ redis, log: log as unknown as Logger, now: () => now, read: (at) => beatOf(identity, role, report, at) });
    expect(heartbeat.activeWithin(2_000)).toBe(false);
    await heartbeat.beat();
    expect(state.written.map((b) => b.role)).toEqual(["active"]);
    expect(heartbeat.activeWithin(2_000)).toBe(true);

    state.down = true;
    for (let i = 0; i < 3; i += 1) {
      now += 1_000;
      await heartbeat.beat();
    }
    expect(log.warn).toHaveBeenCalledTimes(1);
    expect(heartbeat.activeWithin(2_000)).toBe(false); // the last one that landed is 3 s old

    state.down = false;
    role = "standby";
    now += 1_000;
    await heartbeat.beat();
    expect(log.info).toHaveBeenCalledTimes(1);
    expect(state.written.map((b) => b.role)).toEqual(["active", "standby"]);
  });

  it("a standby beat that lands ends the active one's standing at once, however recent that was", async () => {
    const { redis, state } = fakeRedis();
    let role: "active" | "standby" = "active";
    const heartbeat = new Heartbeat({
      redis,
      log: { warn: vi.fn(), info: vi.fn() } as unknown as Logger,
      now: () => 10_000,
      read: (at) => beatOf(identity, role, report, at),
    });
    await heartbeat.beat();
    expect(heartbeat.activeWithin(2_000)).toBe(true);
    role = "standby";
    await heartbeat.beatAfresh();
    expect(state.written.map((b) => b.role)).toEqual(["active", "standby"]);
    expect(heartbeat.activeWithin(2_000)).toBe(false); // no time passed: only the standby beat can have ended it
  });
});

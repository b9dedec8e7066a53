import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Db } from "../db";
import type { Logger } from "../log";
import { seededRng } from "./market-model";
import type { SimMarketRow } from "./sim-market";
import { SIMULATOR_VOUCH_MS, Simulator } from "./simulator";

const T = Date.UTC(2026, 11, 7, 12);

/** One market row of an in-play soccer event with one book, as loadMarkets reads it. */
const row: SimMarketRow = {
  id: "m1",
  eventId: "e1",
  status: "OPEN",
  event: { phase: "LIVE", status: "ACTIVE", sport: "soccer_epl", isEsports: false },
  outcomes: [
    { id: "o1", prices: [{ id: "p1", bookmaker: "pinnacle", price: 1.9 }] },
    { id: "o2", prices: [{ id: "p2", bookmaker: "pinnacle", price: 2.0 }] },
  ],
};

/**
 * A database whose market read answers, fails or never answers, as `mode` says. With no writes
 * due (every rate 0) a step reads the board only when its 30 s refresh is due, and a failed step
 * reads it again at once.
 */
function fakeDb() {
  const state = { mode: "ok" as "ok" | "fail" | "hang", reads: 0 };
  const db = {
    market: {
      findMany: async () => {
        state.reads += 1;
        if (state.mode === "fail") throw new Error("Can't reach database server");
        if (state.mode === "hang") return new Promise<never>(() => {});
        return [row];
      },
    },
  };
  return { db: db as unknown as Db, state };
}

describe("Simulator.report", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(T);
  });
  afterEach(() => vi.useRealTimers());

  const simulator = (db: Db) =>
    new Simulator(
      db,
      { priceUpdatesPerSec: 0, betsPerSec: 0, scoreEverySec: 1e9, drift: 0.06 },
      seededRng(1),
      { warn: vi.fn(), info: vi.fn() } as unknown as Logger,
      {
        mayReopen: () => false,
        vouchNow: async () => {},
        fenced: () => {},
      },
    );

  it("vouches for nothing before its first step completes", () => {
    const { db } = fakeDb();
    expect(simulator(db).report()).toEqual({ state: "ok", reason: null, lastProducedAt: null, sports: {} });
  });

  it("vouches for its sports a few seconds past its last completed step, with writes due or not", async () => {
    const { db } = fakeDb();
    const sim = simulator(db);
    await sim.step();
    expect(sim.report()).toEqual({ state: "ok", reason: null, lastProducedAt: null, sports: { soccer_epl: { freshUntil: T + SIMULATOR_VOUCH_MS } } });
    vi.setSystemTime(T + 1_000);
    await sim.step(); // nothing due, nothing read: a completed step all the same
    expect(sim.report().sports).toEqual({ soccer_epl: { freshUntil: T + 1_000 + SIMULATOR_VOUCH_MS } });
  });

  it("while its steps fail: stale with why, and its sports' vouch is already over", async () => {
    const { db, state } = fakeDb();
    const sim = simulator(db);
    await sim.step();
    vi.setSystemTime(T + 31_000); // the board's refresh is due
    state.mode = "fail";
    await sim.step();
    expect(sim.report()).toEqual({
      state: "stale",
      reason: "the simulator cannot write to Postgres",
      lastProducedAt: null,
      sports: { soccer_epl: { freshUntil: T } },
    });
    state.mode = "ok";
    vi.setSystemTime(T + 32_000);
    await sim.step();
    expect(sim.report()).toMatchObject({ state: "ok", reason: null, sports: { soccer_epl: { freshUntil: T + 32_000 + SIMULATOR_VOUCH_MS } } });
  });

  it("a step that never completes stops renewing the vouch, though the simulator still beats", async () => {
    const { db, state } = fakeDb();
    const sim = simulator(db);
    await sim.step();
    vi.setSystemTime(T + 31_000);
    state.mode = "hang";
    const reads = state.reads;
    void sim.step();
    await vi.waitFor(() => expect(state.reads).toBe(reads + 1));
    vi.setSystemTime(T + 40_000);
    void sim.step(); // none while one is in flight
    expect(state.reads).toBe(reads + 1);
    expect(sim.report()).toMatchObject({ state: "ok", sports: { soccer_epl: { freshUntil: T + SIMULATOR_VOUCH_MS } } });
  });
});

import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LeadershipLostError, SeqConflictError, type TickResult } from "./committer";
import { COALESCE_MS, TickLoop, type TickLoopHooks } from "./tick-loop";

const RESULT: TickResult = { events: 0, changes: 0, messages: 0, bytes: 0, reconciled: false, queued: 0, originLagsMs: [], heldMs: null };

/** A loop over a scripted publisher: each step answers the next outcome (an Error is thrown). */
function loop(outcomes: (TickResult | Error)[], intervalMs = 1_000) {
  const seen = { steps: 0, failed: [] as string[], stepped: [] as boolean[], leaseLost: 0, failures: 0 };
  const publisher = {
    step: async () => {
      seen.steps += 1;
      const next = outcomes.shift() ?? RESULT;
      if (next instanceof Error) throw next;
      return next;
    },
  };
  const hooks: TickLoopHooks = {
    publisher: () => publisher,
    failures: () => seen.failures,
    failed: (error) => {
      seen.failures += 1;
      seen.failed.push(error.message);
    },
    stepped: async (result, _ms, failed) => {
      if (result) seen.failures = 0;
      seen.stepped.push(failed);
    },
    leaseLost: () => {
      seen.leaseLost += 1;
    },
  };
  return { seen, ticks: new TickLoop(intervalMs, hooks, pino({ level: "silent" })) };
}

describe("TickLoop", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("steps once per interval until stopped", async () => {
    vi.useFakeTimers();
    const { seen, ticks } = loop([]);
    ticks.start(false);
    await vi.advanceTimersByTimeAsync(2_500);
    expect(seen.steps).toBe(3);
    expect(await ticks.stop()).toBe(true);
    expect(await ticks.stop()).toBe(false);
    expect(ticks.running).toBe(false);
  });

  it("retries a failed step quickly, backing off, and does not count a seq conflict as a failure", async () => {
    vi.useFakeTimers();
    const { seen, ticks } = loop([new Error("Postgres down"), new Error("Postgres down"), new SeqConflictError("seq")]);
    ticks.start(false);
    await vi.advanceTimersByTimeAsync(0); // step 1 fails: retry after 100 ms
    await vi.advanceTimersByTimeAsync(100); // step 2 fails: retry after 200 ms
    expect(seen.steps).toBe(2);
    await vi.advanceTimersByTimeAsync(200); // step 3: a seq conflict
    expect(seen.steps).toBe(3);
    expect(seen.failed).toEqual(["Postgres down", "Postgres down"]);
    expect(seen.stepped).toEqual([true, true, true]);
    await ticks.stop();
  });

  it("steps at once on a priority commit, also one that arrives during a step", async () => {
    vi.useFakeTimers();
    const { seen, ticks } = loop([]);
    ticks.commit("priority"); // not running: nothing happens
    ticks.start(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.steps).toBe(1);
    ticks.commit("priority");
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.steps).toBe(2);
    await ticks.stop();
  });

  it("steps on a change commit at once after a quiet spell, and coalesces commits within COALESCE_MS of the last start", async () => {
    vi.useFakeTimers();
    const { seen, ticks } = loop([]);
    ticks.start(false);
    await vi.advanceTimersByTimeAsync(0); // step 1 at t = 0
    expect(seen.steps).toBe(1);
    ticks.commit("change");
    await vi.advanceTimersByTimeAsync(COALESCE_MS - 1);
    expect(seen.steps).toBe(1); // within the gap: waits
    ticks.commit("change");
    ticks.commit("change");
    await vi.advanceTimersByTimeAsync(1);
    expect(seen.steps).toBe(2); // one step for the three commits, at t = COALESCE_MS
    await vi.advanceTimersByTimeAsync(200); // quiet
    expect(seen.steps).toBe(2);
    ticks.commit("change");
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.steps).toBe(3); // after a quiet spell: at once
    await ticks.stop();
  });

  it("steps when held changes fall due, sooner than the interval", async () => {
    vi.useFakeTimers();
    const { seen, ticks } = loop([{ ...RESULT, heldMs: 40 }]);
    ticks.start(false);
    await vi.advanceTimersByTimeAsync(39);
    expect(seen.steps).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen.steps).toBe(2); // the held changes' step
    await vi.advanceTimersByTimeAsync(999);
    expect(seen.steps).toBe(2); // nothing held any more: the interval
    await ticks.stop();
  });

  it("does not let commits cut a failing step's backoff short", async () => {
    vi.useFakeTimers();
    const { seen, ticks } = loop([new Error("Postgres down"), new Error("Postgres down")]);
    ticks.start(false);
    await vi.advanceTimersByTimeAsync(0); // step 1 fails: retry after 100 ms
    ticks.commit("change");
    ticks.commit("priority");
    await vi.advanceTimersByTimeAsync(99);
    expect(seen.steps).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen.steps).toBe(2);
    await ticks.stop();
  });

  it("stops by itself when the lease was lost mid-step, without reporting the step", async () => {
    vi.useFakeTimers();
    const { seen, ticks } = loop([new LeadershipLostError("another instance holds the lease")]);
    ticks.start(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.leaseLost).toBe(1);
    expect(seen.stepped).toEqual([]);
    expect(ticks.running).toBe(false);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(seen.steps).toBe(1);
  });
});

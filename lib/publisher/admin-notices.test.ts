import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { AdminEventMessage } from "../protocol";
import { AdminNotices, MAX_HELD, UNHEARD_FOR_MS } from "./admin-notices";

/** A bus whose number of subscribers, and whether Redis answers at all, the test sets. */
function bus() {
  const state = { listeners: 0, redisUp: true, now: 1_000 };
  const heard: AdminEventMessage[] = [];
  const published: AdminEventMessage[] = [];
  const warnings: string[] = [];
  const log = pino({ level: "warn" }, { write: (line: string) => warnings.push(JSON.parse(line).msg) });
  const notices = new AdminNotices(
    async (message) => {
      if (!state.redisUp) return null;
      published.push(message);
      if (state.listeners > 0) heard.push(message);
      return state.listeners;
    },
    log,
    () => state.now,
  );
  return { state, heard, published, warnings, notices };
}

const up = (downForMs: number) => ({ service: "redis" as const, state: "up" as const, downForMs });
const down = (downForMs: number) => ({ service: "redis" as const, state: "down" as const, reason: "Redis is unreachable", downForMs });

describe("AdminNotices", () => {
  it("publishes at once what a relay hears, once", async () => {
    const { state, heard, published, notices } = bus();
    state.listeners = 2;
    notices.tell("outage", down(0));
    await notices.flush();
    expect(heard.map((m) => m.data)).toEqual([down(0)]);
    expect(published).toHaveLength(1);
    expect(notices.pending).toBe(0);
  });

  it("keeps what nobody heard, in order, and tells it with the time it was written once a relay listens", async () => {
    const { state, heard, notices } = bus();
    notices.tell("outage", down(4_000));
    notices.tell("outage", up(4_000));
    await notices.flush();
    expect(heard).toEqual([]);
    expect(notices.pending).toBe(2);
    state.now += 1_500;
    state.listeners = 1;
    await notices.flush();
    expect(heard.map((m) => [m.data, m.ts])).toEqual([
      [down(4_000), 1_000],
      [up(4_000), 1_000],
    ]);
    expect(notices.pending).toBe(0);
  });

  it("keeps what Redis refused, and what came after it", async () => {
    const { state, heard, notices } = bus();
    state.listeners = 1;
    state.redisUp = false;
    notices.tell("leader_changed", { instanceId: "b", previous: "a" });
    await notices.flush();
    state.redisUp = true;
    notices.tell("outage", up(2_000));
    await notices.flush();
    expect(heard.map((m) => m.kind)).toEqual(["leader_changed", "outage"]);
  });

  it("gives a notice up, saying so, when nobody heard it for UNHEARD_FOR_MS, and goes on with the next", async () => {
    const { state, heard, warnings, notices } = bus();
    notices.tell("outage", down(0));
    await notices.flush();
    state.now += UNHEARD_FOR_MS - 1;
    notices.tell("outage", up(UNHEARD_FOR_MS - 1));
    await notices.flush();
    expect(notices.pending).toBe(2);
    state.now += 1; // the first is too old to tell by now; the second is not
    await notices.flush();
    expect(warnings).toEqual(["no relay subscribed to hear the admin event; given up"]);
    state.listeners = 1;
    await notices.flush();
    expect(heard.map((m) => m.data)).toEqual([up(UNHEARD_FOR_MS - 1)]);
  });

  it("holds at most MAX_HELD, giving up the oldest", async () => {
    const { state, heard, warnings, notices } = bus();
    for (let i = 0; i <= MAX_HELD; i += 1) notices.tell("outage", up(i));
    await notices.flush();
    expect(notices.pending).toBe(MAX_HELD);
    expect(warnings).toEqual(["too many admin events held; given up"]);
    state.listeners = 1;
    await notices.flush();
    expect(heard.map((m) => (m.data as { downForMs: number }).downForMs)).toEqual(Array.from({ length: MAX_HELD }, (_, i) => i + 1));
  });
});

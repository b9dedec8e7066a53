import { describe, expect, it, vi } from "vitest";
import type { OddsDelta } from "../protocol";
import { eventOdds } from "../protocol/test-events";
import { OddsStore } from "./odds-store";

const snapshot = (seq: number, events = [eventOdds("e1"), eventOdds("e2", { league: "Championship", startsAt: "2026-11-22T12:00:00.000Z" })]) => ({
  sport: "soccer_epl",
  seq,
  ts: 1,
  events,
});
const delta = (seq: number, value: number, eventId = "e1"): OddsDelta => ({
  sport: "soccer_epl",
  seq,
  prevSeq: seq - 1,
  ts: 2,
  changes: [{ eventId, path: "markets.h2h.outcomes.home.price", value }],
});
const price = (store: OddsStore, id = "e1") => store.event("soccer_epl", id)?.markets.h2h?.outcomes.home?.price;

describe("OddsStore", () => {
  it("applies deltas strictly in seq order, buffering early ones and asking once for the gap", () => {
    const store = new OddsStore();
    const onGap = vi.fn();
    store.onGap = onGap;
    store.applySnapshot(snapshot(10));
    expect(store.applyDelta(delta(12, 2.5))).toBe("buffered");
    expect(store.applyDelta(delta(13, 2.6))).toBe("buffered");
    expect(onGap).toHaveBeenCalledTimes(1);
    expect(onGap).toHaveBeenCalledWith("soccer_epl", 10);
    expect(price(store)).toBe(2.1); // nothing half-applied
    expect(store.applyDelta(delta(11, 2.4))).toBe("applied");
    expect(store.seq("soccer_epl")).toBe(13);
    expect(price(store)).toBe(2.6);
    expect(store.applyDelta(delta(12, 9))).toBe("duplicate");
    expect(price(store)).toBe(2.6);
  });

  it("ignores deltas before a snapshot and late snapshots older than what it holds", () => {
    const store = new OddsStore();
    expect(store.applyDelta(delta(1, 2))).toBe("no-snapshot");
    store.applySnapshot(snapshot(5));
    store.applyDelta(delta(6, 3));
    expect(store.applySnapshot(snapshot(4))).toBe(false);
    expect(price(store)).toBe(3);
    expect(store.applySnapshot({ ...snapshot(3), resync: true })).toBe(true); // a resync always wins
    expect(store.seq("soccer_epl")).toBe(3);
  });

  it("a resync snapshot fills a gap and the buffered deltas after it then apply", () => {
    const store = new OddsStore();
    store.applySnapshot(snapshot(1));
    store.applyDelta(delta(4, 2.9));
    store.applySnapshot({ ...snapshot(3), resync: true });
    expect(store.seq("soccer_epl")).toBe(4);
    expect(price(store)).toBe(2.9);
  });

  it("notifies only the touched event, and the list only on structural change", () => {
    const store = new OddsStore();
    store.applySnapshot(snapshot(1));
    const e1 = vi.fn();
    const e2 = vi.fn();
    const list = vi.fn();
    store.subscribeEvent("soccer_epl", "e1", e1);
    store.subscribeEvent("soccer_epl", "e2", e2);
    store.subscribeList("soccer_epl", list);
    const before = store.event("soccer_epl", "e2");
    store.applyDelta(delta(2, 2.2));
    store.flush();
    expect([e1.mock.calls.length, e2.mock.calls.length, list.mock.calls.length]).toEqual([1, 0, 0]);
    expect(store.event("soccer_epl", "e2")).toBe(before);
    store.applyDelta({ sport: "soccer_epl", seq: 3, prevSeq: 2, ts: 3, changes: [{ eventId: "e3", path: "", value: eventOdds("e3") }] });
    store.flush();
    expect(list).toHaveBeenCalledTimes(1);
    expect(store.groups("soccer_epl")).toEqual([
      { league: "Championship", ids: ["e2"] },
      { league: "Premier League", ids: ["e1", "e3"] },
    ]);
  });

  it("keeps unchanged event objects across a fresh snapshot (no re-render, no flicker)", () => {
    const store = new OddsStore();
    store.applySnapshot(snapshot(1));
    const e1 = store.event("soccer_epl", "e1");
    const e2 = store.event("soccer_epl", "e2");
    const changed = eventOdds("e2", { league: "Championship", startsAt: "2026-11-22T12:00:00.000Z", status: "suspended" });
    store.applySnapshot(snapshot(9, [eventOdds("e1"), changed]));
    expect(store.event("soccer_epl", "e1")).toBe(e1);
    expect(store.event("soccer_epl", "e2")).not.toBe(e2);
  });

  it("takes only a board summary that supersedes the held one, and tells its listeners", () => {
    const store = new OddsStore();
    const heard = vi.fn();
    store.subscribeSummary(heard);
    expect(store.summary()).toBeNull();
    expect(store.applySummary({ ts: 10, leader: "a", sports: [{ sport: "soccer_epl", events: 12, live: 2 }] })).toBe(true);
    expect(store.applySummary({ ts: 9, leader: "a", sports: [{ sport: "soccer_epl", events: 99, live: 9 }] })).toBe(false); // late
    expect(store.applySummary({ ts: 10, leader: "a", sports: [] })).toBe(false);
    expect(store.summary()?.sports).toEqual([{ sport: "soccer_epl", events: 12, live: 2 }]);
    // A new leader whose clock is behind: its summary still replaces the old leader's.
    store.flush();
    expect(store.applySummary({ ts: 5, leader: "b", sports: [{ sport: "soccer_epl", events: 11, live: 2 }] })).toBe(true);
    store.flush();
    expect(heard).toHaveBeenCalledTimes(2);
  });

  describe("batches notifications into one flush per frame", () => {
    /** The next macrotask: where Node, which has no requestAnimationFrame, runs the flush. */
    const nextFrame = () => new Promise((resolve) => setTimeout(resolve, 0));

    it("tells an event's listener once for ten deltas on it within a frame, with data already applied", async () => {
      const store = new OddsStore();
      store.applySnapshot(snapshot(1));
      const e1 = vi.fn();
      store.subscribeEvent("soccer_epl", "e1", e1);
      for (let i = 0; i < 10; i += 1) expect(store.applyDelta(delta(2 + i, 3 + i / 10))).toBe("applied");
      expect(store.seq("soccer_epl")).toBe(11); // seq logic is synchronous
      expect(price(store)).toBe(3.9); // a read before the flush sees the new object
      expect(e1).not.toHaveBeenCalled();
      await nextFrame();
      expect(e1).toHaveBeenCalledTimes(1);
      await nextFrame();
      expect(e1).toHaveBeenCalledTimes(1); // nothing left pending
    });

    it("tells each changed event's listener once, and the list and summary once each", async () => {
      const store = new OddsStore();
      store.applySnapshot(snapshot(1));
      const [e1, e2, list, summary] = [vi.fn(), vi.fn(), vi.fn(), vi.fn()];
      store.subscribeEvent("soccer_epl", "e1", e1);
      store.subscribeEvent("soccer_epl", "e2", e2);
      store.subscribeList("soccer_epl", list);
      store.subscribeSummary(summary);
      store.applyDelta(delta(2, 2.2, "e1"));
      store.applyDelta(delta(3, 2.3, "e2"));
      store.applyDelta(delta(4, 2.4, "e1"));
      store.applyDelta({ sport: "soccer_epl", seq: 5, prevSeq: 4, ts: 3, changes: [{ eventId: "e3", path: "", value: eventOdds("e3") }] });
      store.applyDelta({ sport: "soccer_epl", seq: 6, prevSeq: 5, ts: 3, changes: [{ eventId: "e4", path: "", value: eventOdds("e4") }] });
      store.applySummary({ ts: 1, leader: "a", sports: [] });
      store.applySummary({ ts: 2, leader: "a", sports: [] });
      await nextFrame();
      expect([e1, e2, list, summary].map((f) => f.mock.calls.length)).toEqual([1, 1, 1, 1]);
    });

    it("does not call a listener that unsubscribed before the flush", async () => {
      const store = new OddsStore();
      store.applySnapshot(snapshot(1));
      const e1 = vi.fn();
      const unsubscribe = store.subscribeEvent("soccer_epl", "e1", e1);
      store.applyDelta(delta(2, 2.2));
      unsubscribe();
      await nextFrame();
      expect(e1).not.toHaveBeenCalled();
    });

    it("tells listeners at once in sync mode (the unbatched baseline)", () => {
      const store = new OddsStore({ flush: "sync" });
      store.applySnapshot(snapshot(1));
      const e1 = vi.fn();
      store.subscribeEvent("soccer_epl", "e1", e1);
      store.applyDelta(delta(2, 2.2));
      store.applyDelta(delta(3, 2.3));
      expect(e1).toHaveBeenCalledTimes(2);
    });
  });
});

import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { type OddsDeltaMessage, type WireDelta, unpackDelta } from "../lib/protocol";
import { eventOdds } from "../lib/protocol/test-events";
import { type Adapter, Delivery, SLOW_ROOM } from "./delivery";
import { NO_FILTER, makeFilter, sportRoom } from "./filters";
import { createMetrics } from "./metrics";
import type { SportCache } from "./sport-cache";

/** Delivery against a stand-in adapter and broadcaster that record every broadcast (one encode each). */
function setup(rooms: string[]) {
  const adapter = Object.assign(new EventEmitter(), { rooms: new Map<string, Set<string>>() }) as Adapter;
  const broadcasts: { rooms: string[]; except: string; event: string; payload: unknown }[] = [];
  const local = {
    to: (to: string | string[]) => ({
      except: (except: string) => ({
        emit: (event: string, payload: unknown) => broadcasts.push({ rooms: [to].flat(), except, event, payload }) > 0,
      }),
    }),
  };
  const events = [eventOdds("e1")];
  const cache = {
    snapshot: (sport: string, resync = false) => ({ sport, seq: 5, ts: 1, events, ...(resync ? { resync: true } : {}) }),
  } as unknown as SportCache;
  const delivery = new Delivery(local, adapter, cache, createMetrics());
  for (const room of rooms) {
    adapter.rooms.set(room, new Set(["a-socket"]));
    adapter.emit("create-room", room);
  }
  return { delivery, adapter, broadcasts };
}

const delta = (changes: OddsDeltaMessage["changes"]): OddsDeltaMessage => ({ v: 1, type: "odds:delta", sport: "s", seq: 6, prevSeq: 5, ts: 1, changes });
const room = (markets?: string[]) => sportRoom("s", markets ? makeFilter(markets) : NO_FILTER);

describe("Delivery.delta", () => {
  it("encodes once for every room the delta reaches whole, once for all rooms left empty, once per other cut; never for slow sockets", () => {
    const { delivery, broadcasts } = setup([room(), room(["h2h"]), room(["h2h", "totals"]), room(["totals"]), room(["spreads"]), room(["totals", "spreads"])]);
    const h2h = { eventId: "e1", path: "markets.h2h.outcomes.home.price", value: 2 };
    const totals = { eventId: "e1", path: "markets.totals.status", value: "open" };
    delivery.delta("s", delta([h2h, totals]));
    expect(broadcasts.map(({ rooms, payload }) => [rooms, unpackDelta(payload as WireDelta).changes])).toEqual([
      [
        [room(), room(["h2h", "totals"])],
        [h2h, totals],
      ],
      [[room(["spreads"])], []],
      [[room(["h2h"])], [h2h]],
      [[room(["totals"])], [totals]],
      [[room(["spreads", "totals"])], [totals]],
    ]);
    expect(new Set(broadcasts.map((b) => b.except))).toEqual(new Set([SLOW_ROOM]));
  });

  it("skips rooms nobody here holds, and forgets a filtered room once it empties", () => {
    const { delivery, adapter, broadcasts } = setup([room(["h2h"])]);
    delivery.delta("s", delta([{ eventId: "e1", path: "status", value: "suspended" }]));
    expect(broadcasts.map((b) => b.rooms)).toEqual([[room(["h2h"])]]); // no unfiltered subscriber: no unfiltered encode
    expect(delivery.variantCount()).toBe(1);
    adapter.rooms.delete(room(["h2h"]));
    adapter.emit("delete-room", room(["h2h"]));
    expect(delivery.variantCount()).toBe(0);
    delivery.delta("s", delta([]));
    expect(broadcasts).toHaveLength(1);
  });

  it("cuts a filtered room's snapshot once per state and shares it", () => {
    const { delivery } = setup([room(["totals"])]);
    const first = delivery.snapshot("s", makeFilter(["totals"]));
    expect(first.events[0]?.markets).toEqual({});
    expect(delivery.snapshot("s", makeFilter(["totals"]))).toBe(first);
    expect(delivery.snapshot("s", makeFilter(["totals"]), true)).toEqual({ ...first, resync: true });
  });
});

import { describe, expect, it } from "vitest";
import { TRUST_REASONS, type TrustRecord } from "../protocol";
import { refusalOf } from "./price-trust";

const NOW = 1_800_000_000_000;

function record(changes: Partial<TrustRecord> = {}): TrustRecord {
  return {
    v: 1,
    at: NOW - 200,
    instanceId: "web-1",
    publisher: { status: "ok", reason: null },
    producer: { name: "simulator", state: "up", reason: null, since: NOW - 60_000 },
    staleSports: {},
    ...changes,
  };
}

describe("refusalOf", () => {
  it("takes bets while the leader vouches for the sport", () => {
    expect(refusalOf(record(), "soccer_epl")).toBeNull();
    expect(refusalOf(record({ producer: { name: null, state: "none", reason: null, since: 0 } }), "soccer_epl")).toBeNull();
    expect(refusalOf(record({ staleSports: { basketball_nba: "not polled for 40 s" } }), "soccer_epl")).toBeNull();
  });

  it("no record: nobody publishes", () => {
    expect(refusalOf(null, "soccer_epl")).toMatchObject({ code: "prices_stale", reason: "publisher_down" });
  });

  it("never judges a record's age by this host's clock: Redis expires the record, on its own clock", () => {
    // The publisher's clock may run ahead of or behind this host's; a record Redis still holds is current.
    expect(refusalOf(record({ at: NOW - 60_000 }), "soccer_epl")).toBeNull();
    expect(refusalOf(record({ at: NOW + 60_000 }), "soccer_epl")).toBeNull();
  });

  it("the publisher stopped or failing, the producer down, the sport stale, in that order", () => {
    const down = { name: "simulator" as const, state: "down" as const, reason: "the simulator has not been heard from for 7 s", since: NOW - 2_000 };
    const everything = record({
      publisher: { status: "stopped", reason: "an admin stopped it" },
      producer: down,
      staleSports: { soccer_epl: "no fresh prices for 12 s" },
    });
    expect(refusalOf(everything, "soccer_epl")?.reason).toBe("publisher_stopped");
    expect(refusalOf({ ...everything, publisher: { status: "failing", reason: "ticks fail" } }, "soccer_epl")?.reason).toBe("publisher_failing");
    expect(refusalOf({ ...everything, publisher: { status: "ok", reason: null } }, "soccer_epl")?.reason).toBe("producer_down");
    const stale = refusalOf({ ...everything, publisher: { status: "ok", reason: null }, producer: { ...down, state: "up" } }, "soccer_epl");
    expect(stale).toMatchObject({ reason: "sport_stale", message: expect.stringContaining("no fresh prices for 12 s") });
  });

  it("answers every reason in words a bettor reads, never the operator's", () => {
    const cases: [TrustRecord | null, string][] = [
      [null, "publisher_down"],
      [record({ publisher: { status: "stopped", reason: "admin@x stopped it" } }), "publisher_stopped"],
      [record({ publisher: { status: "failing", reason: "ECONNREFUSED 127.0.0.1:6379" } }), "publisher_failing"],
      [record({ producer: { name: "the-odds-api", state: "down", reason: "poller silent for 9 s", since: NOW } }), "producer_down"],
      [record({ staleSports: { soccer_epl: "not polled for 40 s" } }), "sport_stale"],
    ];
    expect(cases.map(([r]) => refusalOf(r, "soccer_epl")?.reason).sort()).toEqual([...TRUST_REASONS].sort());
    for (const [r] of cases) {
      const refusal = refusalOf(r, "soccer_epl");
      expect(refusal?.message).toMatch(/bet/);
      expect(refusal?.message).not.toMatch(/admin@x|ECONNREFUSED|poller/);
    }
  });

  it("does not take an object's own properties for stale sports", () => {
    expect(refusalOf(record(), "constructor")).toBeNull();
  });
});

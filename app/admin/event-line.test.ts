import { describe, expect, it } from "vitest";
import type { AdminEvent } from "@/lib/protocol";
import { describeAdminEvent, duration } from "./event-line";

const at = Date.UTC(2026, 0, 1, 12, 0, 0);
const line = (event: Omit<AdminEvent, "ts">) => describeAdminEvent({ ...event, ts: at } as AdminEvent);
const bet = {
  id: "b1",
  eventId: "e1",
  event: "Arsenal vs Chelsea",
  market: "h2h",
  outcome: "home",
  selection: "Arsenal",
  point: null,
  stake: 1500,
  price: 2.1,
  potentialReturn: 3150,
  status: "open",
  placedAt: "",
  settledAt: null,
  payout: null,
  voidReason: null,
} as const;

describe("describeAdminEvent", () => {
  it("names who changed the publisher, and how", () => {
    expect(line({ kind: "publisher_started", data: { intervalMs: 500, by: "ada@example.com" } })).toBe("Publisher started by ada@example.com, every 500 ms");
    expect(line({ kind: "publisher_stopped", data: { by: "admin token" } })).toBe("Publisher stopped by admin token");
    expect(line({ kind: "publisher_interval", data: { intervalMs: 2_000, previousMs: 500, by: "admin token" } })).toBe(
      "Publisher interval 500 ms → 2 s, by admin token",
    );
  });

  it("tells a failover from a first start and from a process taking its own lease again", () => {
    expect(line({ kind: "leader_changed", data: { instanceId: "b", previous: "a" } })).toBe("Publisher leader is now b (was a)");
    expect(line({ kind: "leader_changed", data: { instanceId: "b", previous: null } })).toBe("Publisher leader is now b");
    expect(line({ kind: "leader_changed", data: { instanceId: "b", previous: "b" } })).toBe("Publisher b took the lease again");
  });

  it("dates a late outage notice from downForMs, and says how long it lasted", () => {
    expect(line({ kind: "outage", data: { service: "postgres", state: "down", reason: "Postgres is unreachable", downForMs: 0 } })).toBe(
      "Postgres is down (Postgres is unreachable)",
    );
    expect(line({ kind: "outage", data: { service: "redis", state: "down", reason: "Redis is unreachable", downForMs: 65_000 } })).toBe(
      "Redis is down (Redis is unreachable), since 11:58:55 UTC",
    );
    expect(line({ kind: "outage", data: { service: "redis", state: "up", downForMs: 65_000 } })).toBe("Redis is back after 1 min 5 s");
  });

  it("says when the odds producer went down, when it was last heard, and how long it was down", () => {
    expect(
      line({ kind: "producer_down", data: { producer: "simulator", reason: "no heartbeat from the simulator for over 5 s", lastHeardAt: at - 6_000 } }),
    ).toBe("Odds producer simulator is down: no heartbeat from the simulator for over 5 s (last heard 11:59:54 UTC)");
    expect(line({ kind: "producer_down", data: { producer: "the-odds-api", reason: "The Odds API poller has not been heard from", lastHeardAt: null } })).toBe(
      "Odds producer the-odds-api is down: The Odds API poller has not been heard from",
    );
    expect(line({ kind: "producer_up", data: { producer: "simulator", downForMs: 12_000 } })).toBe("Odds producer simulator is back after 12.0 s");
  });

  it("describes bets, markets, settlements and chat", () => {
    expect(line({ kind: "large_bet", data: { userId: "u1", bet } })).toBe("Large bet: 1500.00 on Arsenal @ 2.1 in Arsenal vs Chelsea (user u1)");
    expect(line({ kind: "event_voided", data: { id: "e1", bets: 1, by: "ada@example.com" } })).toBe("Event e1 voided by ada@example.com: 1 bet refunded");
    expect(line({ kind: "event_settled", data: { id: "e1", bets: 3, by: "admin token" } })).toBe("Event e1 settled by admin token: 3 bets");
    expect(line({ kind: "market_status", data: { id: "m1", status: "suspended", by: "admin token" } })).toBe("Market m1 suspended by admin token");
    expect(line({ kind: "role_changed", data: { userId: "u1", email: "sam@example.com", role: "admin", by: "admin token" } })).toBe(
      "Account sam@example.com made an admin, by admin token",
    );
    expect(line({ kind: "role_changed", data: { userId: "u1", email: "sam@example.com", role: "user", by: "ada@example.com" } })).toBe(
      "Account sam@example.com is no longer an admin, by ada@example.com",
    );
    expect(line({ kind: "event_status", data: { id: "e1", status: "open", by: "ada@example.com" } })).toBe("Event e1 reopened by ada@example.com");
    expect(
      line({ kind: "chat_deleted", data: { messageId: "c1", eventId: "e1", author: { id: "u", name: "sam" }, text: "spam", by: "ada@example.com" } }),
    ).toBe("Chat message by sam deleted by ada@example.com: “spam”");
    expect(line({ kind: "source_breaker", data: { endpoint: "odds", state: "half_open" } })).toBe("Source odds: breaker half-open");
  });
});

describe("duration", () => {
  it("reads in the unit that fits", () => {
    expect(duration(850)).toBe("850 ms");
    expect(duration(4_200)).toBe("4.2 s");
    expect(duration(185_000)).toBe("3 min 5 s");
  });
});

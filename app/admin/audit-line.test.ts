import { describe, expect, it } from "vitest";
import type { AuditEntryView } from "@/lib/protocol";
import { adminEventOf, describeChange } from "./audit-line";
import { describeAdminEvent } from "./event-line";

const at = "2026-12-07T12:00:00.000Z";
const entry = (fields: Partial<AuditEntryView> & Pick<AuditEntryView, "action" | "target">): AuditEntryView => ({
  id: "42",
  at,
  actorId: null,
  actor: "ada@example.com",
  before: null,
  after: null,
  ...fields,
});

describe("adminEventOf", () => {
  it("rebuilds the admin event an action sent, carrying the entry's id and time, so the feed reads the same either way", () => {
    const suspended = adminEventOf(
      entry({
        action: "market.status",
        target: { type: "market", id: "m1" },
        before: { status: "open", feedSuspendedAt: null },
        after: { status: "suspended", feedSuspendedAt: null },
      }),
    );
    expect(suspended).toEqual({ kind: "market_status", data: { id: "m1", status: "suspended", by: "ada@example.com" }, ts: Date.parse(at), auditId: "42" });
    expect(suspended && describeAdminEvent(suspended)).toBe("Market m1 suspended by ada@example.com");
    const reopened = adminEventOf(
      entry({ action: "event.status", target: { type: "event", id: "e1" }, before: { status: "suspended" }, after: { status: "open" } }),
    );
    expect(reopened && describeAdminEvent(reopened)).toBe("Event e1 reopened by ada@example.com");
    const interval = adminEventOf(
      entry({
        action: "publisher.interval",
        target: { type: "publisher", id: "publisher" },
        before: { state: "running", intervalMs: 500 },
        after: { state: "running", intervalMs: 2_000 },
      }),
    );
    expect(interval && describeAdminEvent(interval)).toBe("Publisher interval 500 ms → 2 s, by ada@example.com");
    const voided = adminEventOf(
      entry({
        action: "event.void",
        target: { type: "event", id: "e2" },
        before: { status: "active", score: null },
        after: { status: "cancelled", score: null, bets: 1, poolBets: 3, paid: 7 },
      }),
    );
    expect(voided && describeAdminEvent(voided)).toBe("Event e2 voided by ada@example.com: 1 bet refunded");
    // A pool bet's void and an account's read the same: the event names the bet, not a count.
    const bet = adminEventOf(
      entry({
        action: "bet.void",
        target: { type: "bet", id: "b1" },
        before: { status: "open", userId: "pool-7", stake: 5, price: 2 },
        after: { status: "void", payout: 5, voidReason: "admin" },
      }),
    );
    expect(bet).toEqual({ kind: "bet_voided", data: { id: "b1", by: "ada@example.com" }, ts: Date.parse(at), auditId: "42" });
    const chat = adminEventOf(
      entry({
        action: "chat.delete",
        target: { type: "chat_message", id: "c1" },
        before: { eventId: "e3", author: { id: "u", name: "sam" }, text: "spam", deletedAt: null },
        after: { deletedBy: "ada@example.com" },
      }),
    );
    expect(chat && describeAdminEvent(chat)).toBe("Chat message by sam deleted by ada@example.com: “spam”");
  });

  it("a role change reads as the event its route sent; null for an entry missing what its event needs", () => {
    const role = adminEventOf(
      entry({
        action: "user.role",
        target: { type: "user", id: "u1" },
        before: { role: "user", email: "sam@example.com" },
        after: { role: "admin", email: "sam@example.com" },
      }),
    );
    expect(role).toEqual({
      kind: "role_changed",
      data: { userId: "u1", email: "sam@example.com", role: "admin", by: "ada@example.com" },
      ts: Date.parse(at),
      auditId: "42",
    });
    expect(adminEventOf(entry({ action: "user.role", target: { type: "user", id: "u1" }, before: { role: "user" }, after: { role: "admin" } }))).toBeNull();
    expect(adminEventOf(entry({ action: "market.status", target: { type: "market", id: "m1" }, after: { status: "sideways" } }))).toBeNull();
  });
});

describe("describeChange", () => {
  it("lists each field that changed, as before → after", () => {
    expect(describeChange({ status: "open", feedSuspendedAt: null }, { status: "suspended", feedSuspendedAt: null })).toBe("status: open → suspended");
    expect(describeChange({ status: "suspended", feedSuspendedAt: "2026-12-07T10:00:00.000Z" }, { status: "suspended", feedSuspendedAt: null })).toBe(
      "feedSuspendedAt: 2026-12-07T10:00:00.000Z → –",
    );
    expect(describeChange({ status: "active", score: null }, { status: "ended", score: { home: 2, away: 1 }, bets: 3, paid: 12.5 })).toBe(
      "status: active → ended, score: – → 2–1, bets: 3, paid: 12.5",
    );
    expect(describeChange(null, null)).toBe("no change recorded");
  });
});

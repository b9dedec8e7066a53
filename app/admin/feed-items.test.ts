import { describe, expect, it } from "vitest";
import type { AdminEvent, AuditEntryView } from "@/lib/protocol";
import { feedItemOfEntry, feedItemOfEvent, mergeFeed, needsOlder, newestAuditId } from "./feed-items";

const entry = (id: string, ts: number): AuditEntryView => ({
  id,
  at: new Date(ts).toISOString(),
  actorId: null,
  actor: "admin token",
  action: "market.status",
  target: { type: "market", id: `m${id}` },
  before: { status: "open", feedSuspendedAt: null },
  after: { status: "suspended", feedSuspendedAt: null },
});
const live = (ts: number, auditId?: string): AdminEvent =>
  auditId
    ? { kind: "market_status", data: { id: `m${auditId}`, status: "suspended", by: "admin token" }, ts, auditId }
    : { kind: "leader_changed", data: { instanceId: "p1", previous: null }, ts };

describe("the admin feed", () => {
  it("an action read from the history and also pushed live shows once, reading the same", () => {
    const fromHistory = [feedItemOfEntry(entry("7", 3_000)), feedItemOfEntry(entry("6", 2_000))];
    const pushed = feedItemOfEvent(live(3_050, "7"), 1);
    expect(pushed.text).toBe(fromHistory[0]?.text);
    // History first, then its event arrives; or the event first, then the history that holds it.
    const historyFirst = mergeFeed(mergeFeed([], fromHistory, 200), [pushed], 200);
    const eventFirst = mergeFeed(mergeFeed([], [pushed], 200), fromHistory, 200);
    for (const feed of [historyFirst, eventFirst])
      expect(feed.map((item) => [item.key, item.source])).toEqual([
        ["audit:7", "live"],
        ["audit:6", "history"],
      ]);
  });

  it("keeps live events without an entry, newest first among the history, and at most `limit`", () => {
    const feed = mergeFeed(
      mergeFeed([], [feedItemOfEvent(live(2_500), 1)], 200),
      [feedItemOfEntry(entry("7", 3_000)), feedItemOfEntry(entry("6", 2_000))],
      200,
    );
    expect(feed.map((item) => [item.key, item.source])).toEqual([
      ["audit:7", "history"],
      ["live:1", "live"],
      ["audit:6", "history"],
    ]);
    expect(mergeFeed(feed, [feedItemOfEvent(live(4_000), 2)], 2).map((item) => item.key)).toEqual(["live:2", "audit:7"]);
  });

  it("an entry that does not hold what its admin event needs still reads plainly", () => {
    const role: AuditEntryView = {
      ...entry("9", 1_000),
      action: "user.role",
      target: { type: "user", id: "u1" },
      before: { role: "user" },
      after: { role: "admin" },
    };
    expect(feedItemOfEntry(role)).toMatchObject({ kind: "user.role", text: "Role changed: user u1 by admin token (role: user → admin)" });
  });

  it("after a reconnection, reads older pages of the log until it reaches a line it already shows", () => {
    const page = (ids: number[], next: string | null) => ({ entries: ids.map((id) => entry(String(id), id)), next });
    const shown = [feedItemOfEntry(entry("99", 1)), feedItemOfEvent(live(2, "100"), 1), feedItemOfEvent(live(3), 2)];
    const known = newestAuditId(shown);
    expect(known).toBe("100");
    expect(needsOlder(known, page([160, 150, 101], "101"))).toBe(true); // 101 is above 100: something may lie between
    expect(needsOlder(known, page([120, 110, 100], "100"))).toBe(false); // reached it
    expect(needsOlder(known, page([160, 150, 101], null))).toBe(false); // nothing older exists
    expect(needsOlder(null, page([160, 150], "150"))).toBe(false); // nothing shown yet: the latest page is the start
    expect(newestAuditId([], "7")).toBe("7");
  });
});

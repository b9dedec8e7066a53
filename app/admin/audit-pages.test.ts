import { describe, expect, it } from "vitest";
import type { AuditEntryView, AuditPage } from "@/lib/protocol/audit";
import { NO_PAGES, firstPage, withNewest, withOlder } from "./audit-pages";

const entry = (id: number): AuditEntryView => ({
  id: String(id),
  at: "2026-12-07T12:00:00.000Z",
  actorId: null,
  actor: "admin token",
  action: "market.status",
  target: { type: "market", id: "m" },
  before: null,
  after: null,
});
/** The page of `size` entries of a log whose newest id is `newest`, older than `before`. */
const page = (newest: number, size: number, before = newest + 1): AuditPage => {
  const ids = Array.from({ length: size }, (_, i) => before - 1 - i).filter((id) => id >= 1);
  return { entries: ids.map(entry), next: ids.length === size && (ids.at(-1) ?? 0) > 1 ? String(ids.at(-1)) : null };
};
const ids = (pages: { entries: AuditEntryView[] }) => pages.entries.map((e) => Number(e.id));

describe("the audit log panel's pages", () => {
  it("Older adds the next page once, and a repeated answer adds nothing", () => {
    const first = firstPage(page(60, 25));
    expect(ids(first)).toEqual(Array.from({ length: 25 }, (_, i) => 60 - i));
    const older = withOlder(first, page(60, 25, 36), "36");
    expect(ids(older)).toEqual(Array.from({ length: 50 }, (_, i) => 60 - i));
    expect(older.next).toBe("11");
    // The same answer again (a double click, a retry) finds the list moved on: dropped.
    expect(withOlder(older, page(60, 25, 36), "36")).toBe(older);
  });

  it("the newest page again puts new entries on top, once each, and keeps where Older starts", () => {
    const first = firstPage(page(60, 25));
    const newer = withNewest(first, page(63, 25));
    expect(ids(newer).slice(0, 4)).toEqual([63, 62, 61, 60]);
    expect(ids(newer)).toHaveLength(28);
    expect(newer.next).toBe(first.next);
    expect(withNewest(newer, page(63, 25)).entries).toBe(newer.entries);
  });

  it("more new entries than a page since the last read: starts over from the newest page rather than leave a gap", () => {
    const first = firstPage(page(60, 25));
    const after = withNewest(first, page(100, 25));
    expect(ids(after)).toEqual(Array.from({ length: 25 }, (_, i) => 100 - i));
    expect(after.next).toBe("76");
    // An Older read begun before that answer started from the old place: dropped.
    expect(withOlder(after, page(60, 25, 36), "36")).toBe(after);
    // And so is a newest page read before it, answered after: it lies below what is shown now.
    expect(withNewest(after, page(60, 25)).entries).toBe(after.entries);
    // A small log that fits in one page has no gap to fear: merged.
    expect(ids(withNewest(firstPage(page(3, 25)), page(5, 25)))).toEqual([5, 4, 3, 2, 1]);
  });

  it("ids order as numbers, and an empty panel takes the newest page as its first", () => {
    expect(ids(withNewest(firstPage(page(99, 2)), page(101, 3)))).toEqual([101, 100, 99, 98]);
    expect(ids(withNewest(NO_PAGES, page(5, 2)))).toEqual([5, 4]);
  });
});

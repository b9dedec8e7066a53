import type { AdminEvent } from "@/lib/protocol/admin";
import { type AuditEntryView, type AuditPage, compareAuditIds } from "@/lib/protocol/audit";
import { ACTION_LABEL, adminEventOf, describeChange } from "./audit-line";
import { describeAdminEvent } from "./event-line";

/**
 * The console's admin feed: the audit log's latest entries (read when the console opens, and
 * again whenever its relay connection joins the admins' room) merged with the admin events pushed
 * live. An admin action is in both when its entry was read after it committed and its event also
 * arrived; both carry the entry's id, so they share one key and the feed shows it once.
 */
export interface FeedItem {
  /** `audit:<entry id>` for anything an audit entry stands for, `live:<n>` for other live events. */
  key: string;
  /** When it happened, ms since epoch. */
  ts: number;
  /** `kind` of its admin event, or the action of an entry that has none. */
  kind: string;
  text: string;
  auditId: string | null;
  /** `live` once this page received it pushed, else `history` (read from the audit log only). */
  source: "history" | "live";
}

/** A live admin event; `n` numbers the events without an audit entry (their key). */
export function feedItemOfEvent(event: AdminEvent, n: number): FeedItem {
  const auditId = event.auditId ?? null;
  return { key: auditId ? `audit:${auditId}` : `live:${n}`, ts: event.ts, kind: event.kind, text: describeAdminEvent(event), auditId, source: "live" };
}

/** An entry of the audit log's history: read as its admin event would, or plainly when it has none. */
export function feedItemOfEntry(entry: AuditEntryView): FeedItem {
  const event = adminEventOf(entry);
  const text = event
    ? describeAdminEvent(event)
    : `${ACTION_LABEL[entry.action]}: ${entry.target.type} ${entry.target.id} by ${entry.actor} (${describeChange(entry.before, entry.after)})`;
  return { key: `audit:${entry.id}`, ts: Date.parse(entry.at), kind: event?.kind ?? entry.action, text, auditId: entry.id, source: "history" };
}

/**
 * `incoming` (newest first) added to `shown`: an item whose key is shown already is not added
 * again (one read from the history that then also arrives live is marked `live`, where it is),
 * the rest sorted newest first (ties keep their order, incoming first), at most `limit` kept.
 */
export function mergeFeed(shown: FeedItem[], incoming: FeedItem[], limit: number): FeedItem[] {
  const known = new Map(shown.map((item) => [item.key, item]));
  const fresh: FeedItem[] = [];
  const heardLive = new Set<string>();
  for (const item of incoming) {
    const same = known.get(item.key);
    if (same?.source === "history" && item.source === "live") heardLive.add(item.key);
    if (same) continue;
    known.set(item.key, item);
    fresh.push(item);
  }
  if (fresh.length === 0 && heardLive.size === 0) return shown;
  const kept = shown.map((item) => (heardLive.has(item.key) ? { ...item, source: "live" as const } : item));
  return [...fresh, ...kept].sort((a, b) => b.ts - a.ts).slice(0, limit);
}

/** The newest audit entry id among these items and `newest` (null when none stands for an entry). */
export function newestAuditId(items: readonly FeedItem[], newest: string | null = null): string | null {
  for (const item of items) if (item.auditId !== null && (newest === null || compareAuditIds(item.auditId, newest) > 0)) newest = item.auditId;
  return newest;
}

/**
 * Whether the feed should read the page older than `page` to reach what it already shows (`known`,
 * the newest entry id it held when this reading began): more entries committed while it was not
 * listening than a page holds. Not when it showed nothing yet (it starts from the latest page),
 * or the log has nothing older.
 */
export function needsOlder(known: string | null, page: AuditPage): boolean {
  const oldest = page.entries.at(-1)?.id;
  return known !== null && page.next !== null && oldest !== undefined && compareAuditIds(oldest, known) > 0;
}

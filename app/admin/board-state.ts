import type { AdminEvent, BoardStatus, BoardStatusAnswer } from "@/lib/protocol/admin";
import type { BoardEvent, BoardMarket } from "@/lib/protocol/admin-board";
import { compareAuditIds } from "@/lib/protocol/audit";

/**
 * The console's list of the events on the board, kept current from three sources that can arrive
 * in any order: admin events, the answers of its own buttons, and reads of the whole list. Every
 * change an admin makes has an audit entry, and entry ids rise in the order the changes to one
 * event or market committed (each change holds that row's lock), so each event and market keeps
 * the id of the newest entry it shows (`auditId`) and anything older is ignored.
 */

/** One event or market of the list. */
export type BoardTarget = { kind: "event"; id: string } | { kind: "market"; id: string };

/** Whether an entry id is newer than the one a target shows (anything is newer than none). */
function newer(auditId: string, shown: string | null): boolean {
  return shown === null || compareAuditIds(auditId, shown) > 0;
}

/**
 * The list after an admin event: a status an admin (this one or another) set, applied when its
 * entry is newer than what the list shows; a market the liability limit suspended; an event
 * settled or voided (it leaves). Anything else leaves the list as it is (the same array).
 */
export function applyToBoard(events: BoardEvent[], event: AdminEvent): BoardEvent[] {
  switch (event.kind) {
    case "event_status":
      return event.auditId ? withStatus(events, { kind: "event", id: event.data.id }, event.data.status, event.auditId) : events;
    case "market_status":
      return event.auditId ? withStatus(events, { kind: "market", id: event.data.id }, event.data.status, event.auditId) : events;
    case "liability_limit":
      return withMarket(events, event.data.marketId, (m) => (m.status === "suspended" && !m.byFeed ? m : { ...m, status: "suspended", byFeed: false }));
    case "event_settled":
    case "event_voided":
      return withoutEvent(events, event.data.id);
    default:
      return events;
  }
}

/**
 * The list after a button's answer. A change is applied as its admin event would be (by its entry
 * id). A request that changed nothing reports the status at that moment with no entry to order it
 * by, so it is applied only while the target still shows the entry it showed at the click
 * (`shownAtClick`): an admin event heard meanwhile is newer.
 */
export function applyAnswer(events: BoardEvent[], target: BoardTarget, answer: BoardStatusAnswer, shownAtClick: string | null): BoardEvent[] {
  if (answer.changed) return answer.auditId ? withStatus(events, target, answer.status, answer.auditId) : events;
  if (auditIdOf(events, target) !== shownAtClick) return events;
  return target.kind === "event"
    ? withEvent(events, target.id, (e) => ({ ...e, status: answer.status }))
    : withMarket(events, target.id, (m) => ({ ...m, status: answer.status, byFeed: false }));
}

/**
 * The list as a fresh read has it (which events and markets are on the board, and their
 * statuses), except an event or market whose shown entry is newer than the read's: that change
 * committed after the read. Unchanged events stay the same objects.
 */
export function reloadBoard(shown: BoardEvent[], read: BoardEvent[]): BoardEvent[] {
  const before = new Map(shown.map((e) => [e.id, e]));
  return read.map((fresh) => {
    const old = before.get(fresh.id);
    if (!old) return fresh;
    const markets = new Map(old.markets.map((m) => [m.id, m]));
    const merged: BoardEvent = {
      ...(keepsShown(old.auditId, fresh.auditId) ? { ...fresh, status: old.status, auditId: old.auditId } : fresh),
      markets: fresh.markets.map((m) => {
        const was = markets.get(m.id);
        return was && keepsShown(was.auditId, m.auditId) ? { ...m, status: was.status, byFeed: was.byFeed, auditId: was.auditId } : m;
      }),
    };
    return sameEvent(old, merged) ? old : merged;
  });
}

/** The entry id a target shows (null: none, or not on the list). */
export function auditIdOf(events: BoardEvent[], target: BoardTarget): string | null {
  for (const event of events) {
    if (target.kind === "event" && event.id === target.id) return event.auditId;
    const market = target.kind === "market" ? event.markets.find((m) => m.id === target.id) : undefined;
    if (market) return market.auditId;
  }
  return null;
}

/** The list without an event (settled or voided). */
export function withoutEvent(events: BoardEvent[], eventId: string): BoardEvent[] {
  return events.some((e) => e.id === eventId) ? events.filter((e) => e.id !== eventId) : events;
}

function keepsShown(shown: string | null, read: string | null): boolean {
  return shown !== null && (read === null || compareAuditIds(shown, read) > 0);
}

/** A status an admin set (neither the feed's nor the liability limit's), if its entry is newer than the target's. */
function withStatus(events: BoardEvent[], target: BoardTarget, status: BoardStatus, auditId: string): BoardEvent[] {
  if (target.kind === "event") return withEvent(events, target.id, (e) => (newer(auditId, e.auditId) ? { ...e, status, auditId } : e));
  return withMarket(events, target.id, (m) => (newer(auditId, m.auditId) ? { ...m, status, byFeed: false, auditId } : m));
}

function withEvent(events: BoardEvent[], eventId: string, change: (event: BoardEvent) => BoardEvent): BoardEvent[] {
  let changed = false;
  const next = events.map((e) => {
    if (e.id !== eventId) return e;
    const after = change(e);
    changed ||= after !== e;
    return after;
  });
  return changed ? next : events;
}

function withMarket(events: BoardEvent[], marketId: string, change: (market: BoardMarket) => BoardMarket): BoardEvent[] {
  let changed = false;
  const next = events.map((e) => {
    if (!e.markets.some((m) => m.id === marketId)) return e;
    const markets = e.markets.map((m) => (m.id === marketId ? change(m) : m));
    if (markets.every((m, i) => m === e.markets[i])) return e;
    changed = true;
    return { ...e, markets };
  });
  return changed ? next : events;
}

function sameEvent(a: BoardEvent, b: BoardEvent): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

import type { AdminEvent, BoardStatus } from "../../lib/protocol/admin";

/** A market of an event on the board, as the console lists it. */
export interface BoardMarket {
  id: string;
  key: string;
  line: number | null;
  status: BoardStatus;
  /** Suspended by an odds producer (its bet stop), which reopens it once it has fresh prices of its own. */
  byFeed: boolean;
}

/** An event on the board (not over yet), as the page read it from Postgres. */
export interface BoardEvent {
  id: string;
  title: string;
  league: string;
  sport: string | null;
  /** ISO time. */
  startsAt: string;
  live: boolean;
  status: BoardStatus;
  /** Its markets still on the board (open or suspended). */
  markets: BoardMarket[];
}

/**
 * The console's list after an admin event: a status an admin (this one or another) or the
 * liability limit set, or an event settled or voided (it leaves the board). Anything else leaves
 * the list as it is (the same array).
 */
export function applyToBoard(events: BoardEvent[], event: AdminEvent): BoardEvent[] {
  switch (event.kind) {
    case "event_status":
      return events.map((e) => (e.id === event.data.id ? { ...e, status: event.data.status } : e));
    case "market_status":
      return withMarket(events, event.data.id, event.data.status);
    case "liability_limit":
      return withMarket(events, event.data.marketId, "suspended");
    case "event_settled":
    case "event_voided":
      return events.filter((e) => e.id !== event.data.id);
    default:
      return events;
  }
}

/** The list with one market's status set by an admin or the liability limit (neither is the feed's). */
export function withMarket(events: BoardEvent[], marketId: string, status: BoardStatus): BoardEvent[] {
  return events.map((e) => (e.markets.some((m) => m.id === marketId) ? { ...e, markets: e.markets.map((m) => (m.id === marketId ? { ...m, status, byFeed: false } : m)) } : e));
}

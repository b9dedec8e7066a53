import type { AdminEvent } from "@/lib/protocol";

/**
 * One readable line per admin event, for the console's feed. Every kind has its own wording; the
 * `switch` is exhaustive, so a kind added to the protocol fails to compile here until it has one.
 * @example describeAdminEvent({ kind: "publisher_stopped", data: { by: "admin token" }, ts: 0 }) // "Publisher stopped by admin token"
 */
export function describeAdminEvent(event: AdminEvent): string {
  switch (event.kind) {
    case "publisher_started":
      return `Publisher started by ${event.data.by}, every ${ms(event.data.intervalMs)}`;
    case "publisher_stopped":
      return `Publisher stopped by ${event.data.by}`;
    case "publisher_interval":
      return `Publisher interval ${ms(event.data.previousMs)} → ${ms(event.data.intervalMs)}, by ${event.data.by}`;
    case "leader_changed":
      return leaderLine(event.data);
    case "outage":
      return outageLine(event.data, event.ts);
    case "producer_down":
      return `Odds producer ${event.data.producer} is down: ${event.data.reason}${event.data.lastHeardAt === null ? "" : ` (last heard ${new Date(event.data.lastHeardAt).toISOString().slice(11, 19)} UTC)`}`;
    case "producer_up":
      return `Odds producer ${event.data.producer} is back after ${duration(event.data.downForMs)}`;
    case "source_breaker":
      return `Source ${event.data.endpoint}: breaker ${event.data.state.replace("_", "-")}${event.data.reason ? ` (${event.data.reason})` : ""}`;
    case "quota_warning":
      return `Source quota: ${event.data.remaining} requests left, ${event.data.used} used (${event.data.reason})`;
    case "large_bet": {
      const bet = event.data.bet;
      return `Large bet: ${money(bet.stake)} on ${bet.selection}${bet.point === null ? "" : ` ${bet.point}`} @ ${bet.price} in ${bet.event} (user ${event.data.userId})`;
    }
    case "liability_limit":
      return `Liability limit reached on ${event.data.market}/${event.data.outcome} (${money(event.data.liability)}); market ${event.data.marketId} suspended`;
    case "market_status":
      return `Market ${event.data.id} ${event.data.status === "open" ? "reopened" : "suspended"} by ${event.data.by}`;
    case "event_status":
      return `Event ${event.data.id} ${event.data.status === "open" ? "reopened" : "suspended"} by ${event.data.by}`;
    case "event_settled":
      return `Event ${event.data.id} settled by ${event.data.by}: ${plural(event.data.bets, "bet")}`;
    case "event_voided":
      return `Event ${event.data.id} voided by ${event.data.by}: ${plural(event.data.bets, "bet")} refunded`;
    case "bet_voided":
      return `Bet ${event.data.id} voided by ${event.data.by}`;
    case "role_changed":
      return `Account ${event.data.email} ${event.data.role === "admin" ? "made an admin" : "is no longer an admin"}, by ${event.data.by}`;
    case "chat_deleted":
      return `Chat message by ${event.data.author.name} deleted by ${event.data.by}: “${event.data.text}”`;
  }
}

function leaderLine({ instanceId, previous }: { instanceId: string; previous: string | null }): string {
  if (previous === null) return `Publisher leader is now ${instanceId}`;
  if (previous === instanceId) return `Publisher ${instanceId} took the lease again`;
  return `Publisher leader is now ${instanceId} (was ${previous})`;
}

/** A Redis outage is told only once Redis is back, so its start is given from `downForMs`. */
function outageLine(data: { service: "postgres" | "redis"; state: "down" | "up"; reason?: string; downForMs?: number }, ts: number): string {
  const name = data.service === "postgres" ? "Postgres" : "Redis";
  if (data.state === "up") return `${name} is back${data.downForMs === undefined ? "" : ` after ${duration(data.downForMs)}`}`;
  const late = data.downForMs !== undefined && data.downForMs >= 1_000 ? `, since ${new Date(ts - data.downForMs).toISOString().slice(11, 19)} UTC` : "";
  return `${name} is down${data.reason ? ` (${data.reason})` : ""}${late}`;
}

/** An interval in ms, e.g. "500 ms" or "2 s". */
function ms(value: number): string {
  return value >= 1_000 && value % 1_000 === 0 ? `${value / 1_000} s` : `${value} ms`;
}

/** How long something lasted, e.g. "850 ms", "4.2 s", "3 min 5 s". */
export function duration(value: number): string {
  if (value < 1_000) return `${Math.round(value)} ms`;
  if (value < 60_000) return `${(value / 1_000).toFixed(1)} s`;
  const minutes = Math.floor(value / 60_000);
  return `${minutes} min ${Math.round((value % 60_000) / 1_000)} s`;
}

function money(value: number): string {
  return value.toFixed(2);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

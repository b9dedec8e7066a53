import { AdminEvent } from "@/lib/protocol/admin";
import type { AuditAction, AuditEntryView } from "@/lib/protocol/audit";

/**
 * Audit entries as the console shows them: in the audit log's table, and in the admin feed, where
 * an entry read from the log's history reads exactly as the admin event of the same action would
 * (the feed shows one or the other, never both: they share the entry's id).
 */

/** What each action is called in the log's filter. */
export const ACTION_LABEL: Record<AuditAction, string> = {
  "event.settle": "Event settled",
  "event.void": "Event voided",
  "event.status": "Event suspended / reopened",
  "bet.void": "Bet voided",
  "market.status": "Market suspended / reopened",
  "publisher.start": "Publisher started",
  "publisher.stop": "Publisher stopped",
  "publisher.interval": "Publisher interval",
  "chat.delete": "Chat message deleted",
  "user.role": "Role changed",
  "limits.stake": "Bettor's stake limit",
  "limits.time_out": "Bettor's time-out",
  "limits.self_exclusion": "Bettor's self-exclusion",
  "limits.reality_check": "Bettor's reality check",
};

/**
 * The admin event an entry's action sent when it happened, rebuilt from the entry (its `ts` is
 * the entry's time); null for an action that sends none, or an entry that does not hold what the
 * event needs.
 * @example adminEventOf({ action: "market.status", target: { type: "market", id: "m1" }, after: { status: "suspended" }, actor: "ada@example.com", … })
 * // { kind: "market_status", data: { id: "m1", status: "suspended", by: "ada@example.com" }, ts, auditId }
 */
export function adminEventOf(entry: AuditEntryView): AdminEvent | null {
  const draft = draftOf(entry);
  if (!draft) return null;
  const parsed = AdminEvent.safeParse({ ...draft, ts: Date.parse(entry.at), auditId: entry.id });
  return parsed.success ? parsed.data : null;
}

function draftOf({ action, actor: by, target, before, after }: AuditEntryView): { kind: string; data: Record<string, unknown> } | null {
  switch (action) {
    case "publisher.start":
      return { kind: "publisher_started", data: { intervalMs: after?.intervalMs, by } };
    case "publisher.stop":
      return { kind: "publisher_stopped", data: { by } };
    case "publisher.interval":
      return { kind: "publisher_interval", data: { intervalMs: after?.intervalMs, previousMs: before?.intervalMs, by } };
    case "market.status":
      return { kind: "market_status", data: { id: target.id, status: after?.status, by } };
    case "event.status":
      return { kind: "event_status", data: { id: target.id, status: after?.status, by } };
    case "event.settle":
      return { kind: "event_settled", data: { id: target.id, bets: after?.bets, by } };
    case "event.void":
      return { kind: "event_voided", data: { id: target.id, bets: after?.bets, by } };
    case "bet.void":
      return { kind: "bet_voided", data: { id: target.id, by } };
    case "chat.delete":
      return { kind: "chat_deleted", data: { messageId: target.id, eventId: before?.eventId, author: before?.author, text: before?.text, by } };
    case "user.role":
      return { kind: "role_changed", data: { userId: target.id, email: after?.email, role: after?.role, by } };
    case "limits.stake":
    case "limits.time_out":
    case "limits.self_exclusion":
    case "limits.reality_check":
      // A bettor's own change: in the log, not in the admins' live feed.
      return null;
  }
}

/**
 * What an entry changed, one `field: before → after` per field that differs (a field only one
 * side has shows that side alone), e.g. "status: open → suspended".
 */
export function describeChange(before: Record<string, unknown> | null, after: Record<string, unknown> | null): string {
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  const parts: string[] = [];
  for (const key of keys) {
    const from = before && key in before ? show(before[key]) : null;
    const to = after && key in after ? show(after[key]) : null;
    if (from === to) continue;
    parts.push(from === null ? `${key}: ${to}` : to === null ? `${key}: ${from} →` : `${key}: ${from} → ${to}`);
  }
  return parts.join(", ") || "no change recorded";
}

function show(value: unknown): string {
  if (value === null || value === undefined) return "–";
  if (typeof value === "string") return value;
  if (typeof value === "object" && "home" in value && "away" in value) return `${String(value.home)}–${String(value.away)}`;
  return JSON.stringify(value);
}

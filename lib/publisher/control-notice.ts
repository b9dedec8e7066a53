import type { AdminEventData } from "../protocol";

/** What an admin decided the publisher should do. */
export type DesiredState = "running" | "stopped";

/** The publisher's decision as it stands: recorded, or the default when nobody has decided yet. */
export interface Decision {
  state: DesiredState;
  /** Tick interval, ms. */
  intervalMs: number;
}

/** What the admins are told about a change of the decision (`tellAdmins(redis, notice.kind, notice.data)`). */
export type ControlNotice =
  | { kind: "publisher_started"; data: AdminEventData<"publisher_started"> }
  | { kind: "publisher_stopped"; data: AdminEventData<"publisher_stopped"> }
  | { kind: "publisher_interval"; data: AdminEventData<"publisher_interval"> };

/**
 * What an admin's start or stop changed, as one admin event; null when it changed nothing (a
 * repeated POST or DELETE is a no-op and says nothing). A start that also sets a new interval is
 * one `publisher_started` carrying the new interval.
 * @example controlNotice({ state: "running", intervalMs: 500 }, { state: "running", intervalMs: 250 }, "ada@example.com")
 * // { kind: "publisher_interval", data: { intervalMs: 250, previousMs: 500, by: "ada@example.com" } }
 */
export function controlNotice(before: Decision, after: Decision, by: string): ControlNotice | null {
  if (after.state === "stopped") return before.state === "stopped" ? null : { kind: "publisher_stopped", data: { by } };
  if (before.state === "stopped") return { kind: "publisher_started", data: { intervalMs: after.intervalMs, by } };
  if (before.intervalMs === after.intervalMs) return null;
  return { kind: "publisher_interval", data: { intervalMs: after.intervalMs, previousMs: before.intervalMs, by } };
}

"use client";

import { z } from "zod";
import { BoardStatusAnswer, type BoardStatus } from "@/lib/protocol/admin";
import { AdminOverview, PublisherStatusBody } from "@/lib/protocol/admin-overview";
import { AdminBoard } from "@/lib/protocol/admin-board";
import { type AuditAction, AuditPage } from "@/lib/protocol/audit";
import { call } from "../sports/api";

/**
 * The console's calls, with the admin's session cookie (the browser adds this site's Origin, which
 * the admin routes require of a cookie-carrying change). Answers are checked before use.
 */

const ControlAnswer = PublisherStatusBody.extend({ confirmed: z.boolean(), warning: z.string().optional() });
const SettledAnswer = z.object({ settled: z.array(z.object({ id: z.string() })) });

export const fetchOverview = () => call("/api/admin/overview", AdminOverview, { cache: "no-store" });

/** Starts the publisher, or sets a new interval (ms) on a running one. */
export const startPublisher = (intervalMs?: number) =>
  call("/api/sports/ws-publisher", ControlAnswer, { method: "POST", body: JSON.stringify(intervalMs === undefined ? {} : { intervalMs }) });

export const stopPublisher = () => call("/api/sports/ws-publisher", ControlAnswer, { method: "DELETE", body: "{}" });

/** Cancels an event and refunds every open bet on it. */
export const voidEvent = (eventId: string) => call(`/api/admin/events/${encodeURIComponent(eventId)}/void`, SettledAnswer, { method: "POST", body: "{}" });

/** Ends an event with its final score and settles its bets. */
export const settleEvent = (eventId: string, score: { home: number; away: number }) =>
  call(`/api/admin/events/${encodeURIComponent(eventId)}/result`, SettledAnswer, { method: "POST", body: JSON.stringify(score) });

/** Suspends or reopens an event on the board. */
export const setEventStatus = (eventId: string, status: BoardStatus) =>
  call(`/api/admin/events/${encodeURIComponent(eventId)}/status`, BoardStatusAnswer, { method: "POST", body: JSON.stringify({ status }) });

/** Suspends or reopens a market of an event on the board. */
export const setMarketStatus = (marketId: string, status: BoardStatus) =>
  call(`/api/admin/markets/${encodeURIComponent(marketId)}/status`, BoardStatusAnswer, { method: "POST", body: JSON.stringify({ status }) });

/** The events on the board, with their markets and the newest audit entry of each. */
export const fetchBoard = () => call("/api/admin/board", AdminBoard, { cache: "no-store" });

/** A page of the audit log, newest first: `before` an entry id (older than it), only `action` when given. */
export function fetchAudit(query: { limit: number; before?: string; action?: AuditAction }) {
  const params = new URLSearchParams({ limit: String(query.limit) });
  if (query.before) params.set("before", query.before);
  if (query.action) params.set("action", query.action);
  return call(`/api/admin/audit?${params}`, AuditPage, { cache: "no-store" });
}

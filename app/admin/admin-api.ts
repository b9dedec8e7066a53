"use client";

import { z } from "zod";
import { AdminOverview, PublisherStatusBody } from "../../lib/protocol/admin-overview";
import { call } from "../sports/api";

/**
 * The console's calls, with the admin's session cookie (the browser adds this site's Origin, which
 * the admin routes require of a cookie-carrying change). Answers are checked before use.
 */

const ControlAnswer = PublisherStatusBody.extend({ confirmed: z.boolean(), warning: z.string().optional() });
const SettledAnswer = z.object({ settled: z.array(z.object({ id: z.string() })) });

export const fetchOverview = () => call("/api/admin/overview", AdminOverview, { cache: "no-store" });

/** Starts the publisher, or sets a new interval (ms) on a running one. */
export const startPublisher = (intervalMs?: number) => call("/api/sports/ws-publisher", ControlAnswer, { method: "POST", body: JSON.stringify(intervalMs === undefined ? {} : { intervalMs }) });

export const stopPublisher = () => call("/api/sports/ws-publisher", ControlAnswer, { method: "DELETE", body: "{}" });

/** Cancels an event and refunds every open bet on it. */
export const voidEvent = (eventId: string) => call(`/api/admin/events/${encodeURIComponent(eventId)}/void`, SettledAnswer, { method: "POST", body: "{}" });

/** Ends an event with its final score and settles its bets. */
export const settleEvent = (eventId: string, score: { home: number; away: number }) =>
  call(`/api/admin/events/${encodeURIComponent(eventId)}/result`, SettledAnswer, { method: "POST", body: JSON.stringify(score) });

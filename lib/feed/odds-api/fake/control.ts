import { z } from "zod";

/**
 * The fake's control API (tests and demos): the bodies of POST /__fake/*, validated like any
 * other input, and the in-process interface that serves the same operations.
 */

export const FaultMode = z.enum(["rate_limit", "server_error", "timeout", "malformed", "out_of_credits", "invalid_key", "none"]);
export const FaultRequest = z.object({
  mode: FaultMode,
  /** How many /v4 answers get the fault; omitted: every one until the next fault or reset. */
  count: z.number().int().positive().optional(),
  /** rate_limit only: the Retry-After header, s; omitted: no header. */
  retryAfterSec: z.number().int().min(0).max(3_600).optional(),
});
export const MoveRequest = z.object({
  eventId: z.string().min(1),
  /** Omitted: every bookmaker. */
  bookmaker: z.string().min(1).optional(),
  market: z.enum(["h2h", "spreads", "totals"]),
  /** A team name, "Draw", "Over" or "Under". */
  outcome: z.string().min(1),
  /** Decimal odds. */
  price: z.number().finite().min(1.01).max(1_000),
});
export const ScoreRequest = z.object({
  eventId: z.string().min(1),
  home: z.number().int().min(0),
  away: z.number().int().min(0),
});
export const CompleteRequest = z.object({ eventId: z.string().min(1) });
/** nowMs null: back to the real (or injected) clock. */
export const ClockRequest = z.object({ nowMs: z.number().int().nonnegative().nullable() });

export type FaultMode = z.infer<typeof FaultMode>;
export type FaultRequest = z.infer<typeof FaultRequest>;
export type MoveRequest = z.infer<typeof MoveRequest>;
export type ScoreRequest = z.infer<typeof ScoreRequest>;

export interface Tally {
  calls: number;
  credits: number;
}

export interface FakeStats {
  /** Every /v4 request that reached the fake, faulted ones included. */
  calls: number;
  /** Credits charged (successful paid answers only). */
  credits: number;
  used: number;
  remaining: number;
  byEndpoint: Record<string, Tally>;
  /** sport key → endpoint → tally. */
  bySport: Record<string, Record<string, Tally>>;
}

export interface FakeEventSummary {
  id: string;
  sport: string;
  home: string;
  away: string;
  commenceTime: string;
  live: boolean;
  completed: boolean;
}

export interface FakeControl {
  fault(request: FaultRequest): void;
  /** Throws (unknown event, bookmaker, market or outcome) with a message the HTTP route returns. */
  move(request: MoveRequest): void;
  score(request: ScoreRequest): void;
  complete(eventId: string): void;
  /** Pins the clock at nowMs (ms since epoch); null releases it. */
  clock(nowMs: number | null): void;
  stats(): FakeStats;
  events(sport?: string): FakeEventSummary[];
  /** Clears faults and stats and restores the credit budget (events, moves and scores stay). */
  reset(): void;
}

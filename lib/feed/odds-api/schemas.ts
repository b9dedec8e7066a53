import { z } from "zod";

/**
 * The Odds API v4, as its answers look on the wire: every response is validated with these
 * before anything of it is used. Field names are the API's own (snake_case). Only what we use is
 * required; unknown fields are ignored, so the provider may add some without breaking us.
 */

const isoTime = z.string().datetime({ offset: true });
/** A price as the API sends it in decimal format. */
const decimalPrice = z.number().finite().positive();

/** GET /v4/sports (free). */
export const ApiSport = z.object({
  key: z.string().min(1).max(64),
  group: z.string().max(200),
  title: z.string().max(200),
  description: z.string().max(500).optional().default(""),
  active: z.boolean(),
  has_outrights: z.boolean().optional().default(false),
});
export const ApiSports = z.array(ApiSport);

export const ApiOutcome = z.object({
  name: z.string().min(1).max(200),
  price: decimalPrice,
  /** Handicap (spreads) or line (totals). */
  point: z.number().finite().optional(),
});

export const ApiMarket = z.object({
  /** h2h, spreads, totals, … */
  key: z.string().min(1).max(64),
  last_update: isoTime.optional(),
  outcomes: z.array(ApiOutcome).max(50),
});

export const ApiBookmaker = z.object({
  key: z.string().min(1).max(64),
  title: z.string().max(200),
  last_update: isoTime,
  markets: z.array(ApiMarket).max(50),
});

/** One event of GET /v4/sports/{sport}/odds. */
export const ApiOddsEvent = z.object({
  id: z.string().min(1).max(64),
  sport_key: z.string().min(1).max(64),
  sport_title: z.string().max(200).optional(),
  commence_time: isoTime,
  home_team: z.string().min(1).max(200),
  away_team: z.string().min(1).max(200),
  bookmakers: z.array(ApiBookmaker).max(100),
});
export const ApiOdds = z.array(ApiOddsEvent);

/** One event of GET /v4/sports/{sport}/scores: `scores` is null before the start. */
export const ApiScoreEvent = z.object({
  id: z.string().min(1).max(64),
  sport_key: z.string().min(1).max(64),
  commence_time: isoTime,
  completed: z.boolean(),
  home_team: z.string().min(1).max(200),
  away_team: z.string().min(1).max(200),
  scores: z.array(z.object({ name: z.string().max(200), score: z.string().max(20) })).nullable(),
  last_update: isoTime.nullable(),
});
export const ApiScores = z.array(ApiScoreEvent);

/** One event of GET /v4/sports/{sport}/events (free): the fixture list without odds. */
export const ApiEvent = z.object({
  id: z.string().min(1).max(64),
  sport_key: z.string().min(1).max(64),
  commence_time: isoTime,
  home_team: z.string().min(1).max(200),
  away_team: z.string().min(1).max(200),
});
export const ApiEvents = z.array(ApiEvent);

/** The body of an error answer, e.g. `{ message, error_code: "EXCEEDED_FREQ_LIMIT", details_url }`. */
export const ApiErrorBody = z.object({
  message: z.string().max(2_000).optional(),
  error_code: z.string().max(100).optional(),
  details_url: z.string().max(500).optional(),
});

export type ApiSport = z.infer<typeof ApiSport>;
export type ApiOutcome = z.infer<typeof ApiOutcome>;
export type ApiMarket = z.infer<typeof ApiMarket>;
export type ApiBookmaker = z.infer<typeof ApiBookmaker>;
export type ApiOddsEvent = z.infer<typeof ApiOddsEvent>;
export type ApiScoreEvent = z.infer<typeof ApiScoreEvent>;
export type ApiEvent = z.infer<typeof ApiEvent>;
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

/**
 * The usage headers every answer carries. The provider's count wins over ours: these are read on
 * every answer, errors included.
 */
export interface Usage {
  /** x-requests-remaining: credits left in the period. */
  remaining: number;
  /** x-requests-used: credits used in the period. */
  used: number;
  /** x-requests-last: what the call that answered cost. */
  last: number;
}

/**
 * What a call costs in credits, as the provider counts it: odds cost markets × regions (only
 * markets that returned data count, so this is the most it can cost), scores 1 (2 with daysFrom),
 * sports and events nothing.
 * @example oddsCost(["h2h", "spreads", "totals"], ["us", "uk", "eu"]) // 9
 */
export function oddsCost(markets: readonly string[], regions: readonly string[]): number {
  return markets.length * regions.length;
}

/** @example scoresCost(true) // 2 */
export function scoresCost(withDaysFrom: boolean): number {
  return withDaysFrom ? 2 : 1;
}

import type { ApiEvent, ApiOddsEvent, ApiScoreEvent, ApiSport } from "../schemas";
import { BOOKMAKERS, REGIONS, SPORTS } from "./fixtures";
import { type FakeEvent, bookmakerOdds, isCompleted, iso, score } from "./market";
import { type FakeState, knownMarkets, knownSport } from "./state";

/**
 * The four /v4 endpoints of the fake, as plain functions from a parsed request to an answer: the
 * status, the JSON body and the credits the call costs (charged by server.ts on success only).
 */

export interface V4Answer {
  status: number;
  body: unknown;
  /** Credits this answer costs when it succeeds. */
  cost: number;
}

const error = (status: number, error_code: string, message: string): V4Answer => ({
  status,
  body: { message, error_code, details_url: `https://the-odds-api.com/liveapi/guides/v4/api-error-codes.html#${error_code.toLowerCase()}` },
  cost: 0,
});

export type V4Endpoint = "sports" | "odds" | "scores" | "events";

/** Which endpoint and sport a path names, or null for a path the API does not have. */
export function route(pathname: string): { endpoint: V4Endpoint; sport: string | null } | null {
  if (/^\/v4\/sports\/?$/.test(pathname)) return { endpoint: "sports", sport: null };
  const match = /^\/v4\/sports\/([^/]+)\/(odds|scores|events)\/?$/.exec(pathname);
  if (!match) return null;
  return { endpoint: match[2] as V4Endpoint, sport: decodeURIComponent(match[1] as string) };
}

/** Parameters the real API rejects with 422 and the fake does not support either. */
function formatProblem(params: URLSearchParams): V4Answer | null {
  const oddsFormat = params.get("oddsFormat");
  if (oddsFormat !== null && oddsFormat !== "decimal") return error(422, "INVALID_ODDS_FORMAT", "the fake serves oddsFormat=decimal only");
  const dateFormat = params.get("dateFormat");
  if (dateFormat !== null && dateFormat !== "iso") return error(422, "INVALID_DATE_FORMAT", "the fake serves dateFormat=iso only");
  return null;
}

export function answer(state: FakeState, endpoint: V4Endpoint, sportKey: string | null, params: URLSearchParams): V4Answer {
  if (endpoint === "sports") return { status: 200, body: sports(params), cost: 0 };
  const sport = sportKey ? knownSport(sportKey) : undefined;
  if (!sport) return error(404, "UNKNOWN_SPORT", `Unknown sport. Check the sport key: ${sportKey}`);
  const problem = formatProblem(params);
  if (problem) return problem;
  const games = state.games.filter((g) => g.sport === sport);
  if (endpoint === "events") return { status: 200, body: games.filter((g) => !isCompleted(g, state.now())).map(apiEvent), cost: 0 };
  if (endpoint === "scores") return scores(state, games, params);
  return odds(state, games, params);
}

function sports(params: URLSearchParams): ApiSport[] {
  const all = params.get("all") === "true";
  return SPORTS.filter((s) => all || s.active).map((s) => ({
    key: s.key,
    group: s.group,
    title: s.title,
    description: s.description,
    active: s.active,
    has_outrights: false,
  }));
}

const apiEvent = (g: FakeEvent): ApiEvent => ({
  id: g.id,
  sport_key: g.sport.key,
  commence_time: iso(g.commenceMs),
  home_team: g.home,
  away_team: g.away,
});

function list(value: string | null): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

function odds(state: FakeState, games: FakeEvent[], params: URLSearchParams): V4Answer {
  const regions = REGIONS.filter((r) => list(params.get("regions")).includes(r));
  if (regions.length === 0) return error(422, "INVALID_REGION", "regions must name at least one of us, uk, eu");
  const markets = knownMarkets(list(params.get("markets") ?? "h2h"));
  if (markets.length === 0) return error(422, "INVALID_MARKET", "markets must name at least one of h2h, spreads, totals");
  const now = state.now();
  const context = { seed: state.seed, nowMs: now, driftMs: state.driftMs, overrides: state.overrides };
  const books = BOOKMAKERS.filter((b) => regions.includes(b.region));
  const body: ApiOddsEvent[] = games
    .filter((g) => !isCompleted(g, now))
    .map((g) => ({
      ...apiEvent(g),
      sport_title: g.sport.title,
      bookmakers: books.map((b) => bookmakerOdds(context, g, b, markets)),
    }));
  return { status: 200, body, cost: markets.length * regions.length };
}

function scores(state: FakeState, games: FakeEvent[], params: URLSearchParams): V4Answer {
  const daysFromText = params.get("daysFrom");
  const daysFrom = daysFromText === null ? null : Number(daysFromText);
  if (daysFrom !== null && !(Number.isInteger(daysFrom) && daysFrom >= 1 && daysFrom <= 3)) {
    return error(422, "INVALID_SCORES_DAYS_FROM", "daysFrom must be 1, 2 or 3");
  }
  const now = state.now();
  // As upstream: without daysFrom only live and upcoming events; with it, also those completed
  // that many days back.
  const since = daysFrom === null ? Infinity : now - daysFrom * 86_400_000;
  const body: ApiScoreEvent[] = games
    .filter((g) => !isCompleted(g, now) || g.commenceMs >= since)
    .map((g) => {
      const current = score(state.seed, g, now);
      return {
        ...apiEvent(g),
        completed: isCompleted(g, now),
        scores: current
          ? [
              { name: g.home, score: String(current.home) },
              { name: g.away, score: String(current.away) },
            ]
          : null,
        last_update: current ? iso(current.lastMs) : null,
      };
    });
  return { status: 200, body, cost: daysFrom === null ? 1 : 2 };
}

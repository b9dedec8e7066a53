import { describe, expect, it } from "vitest";
import { marketOutcomeKeys, marketQuotes, outcomeKey } from "./outcomes";
import { completeBookAt, finalScore, parseScore, planEvent, scoreChange, uniqueById } from "./plan";
import { emptyDrops } from "./quality";
import type { ApiBookmaker, ApiOddsEvent, ApiScoreEvent } from "./schemas";

const NOW = new Date("2026-11-24T12:00:00Z");

function book(key: string, markets: ApiBookmaker["markets"]): ApiBookmaker {
  return { key, title: key, last_update: "2026-11-24T11:59:00Z", markets };
}

function event(bookmakers: ApiBookmaker[], commence = "2026-11-24T18:00:00Z"): ApiOddsEvent {
  return { id: "ev1", sport_key: "soccer_epl", sport_title: "EPL", commence_time: commence, home_team: "Arsenal", away_team: "Chelsea", bookmakers };
}

const h2h = (home: number, draw: number | null, away: number) => ({
  key: "h2h",
  outcomes: [{ name: "Arsenal", price: home }, ...(draw === null ? [] : [{ name: "Draw", price: draw }]), { name: "Chelsea", price: away }],
});
const spreads = (point: number, home = 1.9, away = 1.9) => ({
  key: "spreads",
  outcomes: [
    { name: "Arsenal", price: home, point },
    { name: "Chelsea", price: away, point: -point },
  ],
});
const totals = (point: number, over = 1.9, under = 1.9) => ({
  key: "totals",
  outcomes: [
    { name: "Over", price: over, point },
    { name: "Under", price: under, point },
  ],
});

describe("outcome matching", () => {
  const teams = { home_team: "Arsenal", away_team: "Chelsea" };

  it("matches team names (case and spaces aside), Draw, Over and Under", () => {
    expect(outcomeKey(teams, "h2h", { name: " arsenal ", price: 2 })).toBe("home");
    expect(outcomeKey(teams, "h2h", { name: "Chelsea", price: 2 })).toBe("away");
    expect(outcomeKey(teams, "h2h", { name: "Draw", price: 3 })).toBe("draw");
    expect(outcomeKey(teams, "totals", { name: "Over", price: 2, point: 2.5 })).toBe("over");
    expect(outcomeKey(teams, "totals", { name: "under", price: 2, point: 2.5 })).toBe("under");
  });

  it("does not match other names, a draw outside h2h, or a spread or total without a point", () => {
    expect(outcomeKey(teams, "h2h", { name: "Tottenham", price: 2 })).toBeNull();
    expect(outcomeKey(teams, "spreads", { name: "Draw", price: 2, point: 0 })).toBeNull();
    expect(outcomeKey(teams, "spreads", { name: "Arsenal", price: 2 })).toBeNull();
    expect(outcomeKey(teams, "totals", { name: "Over", price: 2 })).toBeNull();
  });

  it("makes h2h three-way when at least half the books send a draw", () => {
    const draw = { prices: { home: 2, draw: 3, away: 4 } };
    const two = { prices: { home: 2, away: 2 } };
    expect(marketOutcomeKeys("h2h", [draw, two])).toEqual(["home", "draw", "away"]);
    expect(marketOutcomeKeys("h2h", [draw, two, two])).toEqual(["home", "away"]);
    expect(marketOutcomeKeys("h2h", [])).toEqual(["home", "away"]);
  });

  it("drops and counts a book missing an outcome, quoting a stranger, mirrored wrongly or listed twice", () => {
    const drops = emptyDrops();
    const { keys, quotes } = marketQuotes(
      event([
        book("good", [h2h(2.1, 3.4, 3.6), spreads(-0.5)]),
        book("missing", [h2h(2.1, null, 3.6)]),
        book("stranger", [
          {
            key: "h2h",
            outcomes: [
              { name: "Arsenal", price: 2 },
              { name: "Draw", price: 3 },
              { name: "Spurs", price: 4 },
            ],
          },
        ]),
        book("good", [h2h(2.2, 3.3, 3.5)]),
      ]),
      "h2h",
      drops,
    );
    expect(keys).toEqual(["home", "draw", "away"]);
    expect(quotes.map((q) => q.book)).toEqual(["good"]);
    expect(quotes[0]?.prices).toEqual({ home: 2.1, draw: 3.4, away: 3.6 });
    // missing: 1 (the draw); stranger: 1 unmatched name + 1 missing away; the repeated book: 1
    expect(drops.unmatched).toBe(4);

    const spreadDrops = emptyDrops();
    const bad = {
      key: "spreads",
      outcomes: [
        { name: "Arsenal", price: 1.9, point: -0.5 },
        { name: "Chelsea", price: 1.9, point: -0.5 },
      ],
    };
    expect(marketQuotes(event([book("a", [bad]), book("b", [spreads(-0.5)])]), "spreads", spreadDrops).quotes.map((q) => [q.book, q.line])).toEqual([
      ["b", -0.5],
    ]);
    expect(spreadDrops.unmatched).toBe(1);
  });

  it("takes the market's last_update over the bookmaker's", () => {
    const market = { ...h2h(2, 3, 4), last_update: "2026-11-24T11:58:00Z" };
    const { quotes } = marketQuotes(event([book("a", [market]), book("b", [h2h(2, 3, 4)])]), "h2h", emptyDrops());
    expect(quotes.map((q) => q.lastUpdate.toISOString())).toEqual(["2026-11-24T11:58:00.000Z", "2026-11-24T11:59:00.000Z"]);
  });
});

describe("planEvent", () => {
  it("plans the asked markets with the chosen line, outcome names and points", () => {
    const drops = emptyDrops();
    const plan = planEvent(
      event([
        book("a", [h2h(2.1, 3.4, 3.6), spreads(-0.5, 1.95, 1.87), totals(2.5)]),
        book("b", [h2h(2.15, 3.3, 3.5), spreads(-0.5), totals(2.5)]),
        book("c", [spreads(-1, 2.3, 1.62), totals(3.5)]),
      ]),
      ["h2h", "spreads", "totals", "outrights"],
      NOW,
      drops,
    );
    expect(plan.phase).toBe("PREMATCH");
    expect(plan.markets.map((m) => [m.key, m.line, m.quotes.length])).toEqual([
      ["h2h", null, 2],
      ["spreads", -0.5, 2],
      ["totals", 2.5, 2],
    ]);
    expect(plan.markets[1]?.outcomes).toEqual([
      { key: "home", name: "Arsenal", point: -0.5 },
      { key: "away", name: "Chelsea", point: 0.5 },
    ]);
    expect(plan.markets[2]?.outcomes).toEqual([
      { key: "over", name: "Over", point: 2.5 },
      { key: "under", name: "Under", point: 2.5 },
    ]);
    expect(drops.other_line).toBe(2);
  });

  it("leaves out a market nobody quotes usably, and is LIVE once commence_time has passed", () => {
    const plan = planEvent(event([book("a", [h2h(1.0, 3, 4)])], "2026-11-24T11:00:00Z"), ["h2h", "spreads"], NOW, emptyDrops());
    expect(plan.markets).toEqual([]);
    expect(plan.phase).toBe("LIVE");
  });

  it("a market may reopen only on a complete book: completeBookAt is the newest last_update of a book quoting every outcome", () => {
    const outcomes = [
      { key: "home", name: "Arsenal", point: null },
      { key: "away", name: "Chelsea", point: null },
    ] as const;
    const at = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);
    const quote = (prices: Record<string, number>, lastUpdate = NOW) => ({ book: "a", lastUpdate, line: null, prices });
    expect(completeBookAt({ outcomes: [...outcomes], quotes: [quote({ home: 1.9, away: 1.9 })] })).toEqual(NOW);
    // A price dropped as a jump leaves its book incomplete: no consensus can come from it alone.
    expect(completeBookAt({ outcomes: [...outcomes], quotes: [quote({ home: 1.9 }), quote({ away: 2.0 })] })).toBeNull();
    expect(completeBookAt({ outcomes: [...outcomes], quotes: [] })).toBeNull();
    // The newest complete book counts, not a newer incomplete one.
    const books = [quote({ home: 1.9, away: 1.9 }, at(30)), quote({ home: 1.8, away: 2.0 }, at(5)), quote({ home: 1.7 }, at(1))];
    expect(completeBookAt({ outcomes: [...outcomes], quotes: books })).toEqual(at(5));
    const planned = planEvent(event([book("a", [h2h(2.1, 3.4, 3.6)]), book("b", [h2h(2.15, 3.3, 3.5)])]), ["h2h"], NOW, emptyDrops());
    expect(planned.markets.map(completeBookAt)).toEqual([new Date("2026-11-24T11:59:00Z")]);
  });

  it("keeps the first of a repeated provider id", () => {
    expect(
      uniqueById([
        { id: "a", n: 1 },
        { id: "b", n: 2 },
        { id: "a", n: 3 },
      ]),
    ).toEqual([
      { id: "a", n: 1 },
      { id: "b", n: 2 },
    ]);
  });
});

describe("scores", () => {
  const item = (over: Partial<ApiScoreEvent>): ApiScoreEvent => ({
    id: "ev1",
    sport_key: "soccer_epl",
    commence_time: "2026-11-24T11:00:00Z",
    completed: false,
    home_team: "Arsenal",
    away_team: "Chelsea",
    scores: [
      { name: "Arsenal", score: "2" },
      { name: "Chelsea", score: "1" },
    ],
    last_update: "2026-11-24T11:59:00Z",
    ...over,
  });
  const live = { status: "ACTIVE", phase: "LIVE", homeScore: 1, awayScore: 1 };

  it("parses whole numbers only", () => {
    expect(parseScore("3")).toBe(3);
    expect(parseScore(" 12 ")).toBe(12);
    expect(parseScore("1.5")).toBeNull();
    expect(parseScore("-1")).toBeNull();
    expect(parseScore("")).toBeNull();
    expect(parseScore(undefined)).toBeNull();
  });

  it("reads home and away by team name, in any order", () => {
    expect(
      finalScore(
        item({
          scores: [
            { name: "Chelsea", score: "0" },
            { name: "Arsenal", score: "4" },
          ],
        }),
      ),
    ).toEqual({ home: 4, away: 0 });
    expect(finalScore(item({ scores: [{ name: "Arsenal", score: "4" }] }))).toBeNull();
    expect(finalScore(item({ scores: null }))).toBeNull();
  });

  it("sets the score, LIVE once started, and ENDED only when completed with both scores", () => {
    expect(scoreChange(live, item({}), NOW)).toEqual({ ...live, homeScore: 2, awayScore: 1 });
    expect(scoreChange({ ...live, homeScore: 2 }, item({ completed: true }), NOW)).toEqual({ status: "ENDED", phase: "LIVE", homeScore: 2, awayScore: 1 });
    expect(scoreChange(live, item({ completed: true, scores: null }), NOW)).toBeNull();
    expect(scoreChange({ status: "ACTIVE", phase: "PREMATCH", homeScore: null, awayScore: null }, item({ scores: null }), NOW)).toEqual({
      status: "ACTIVE",
      phase: "LIVE",
      homeScore: null,
      awayScore: null,
    });
    expect(
      scoreChange(
        { status: "ACTIVE", phase: "PREMATCH", homeScore: null, awayScore: null },
        item({ scores: null, commence_time: "2026-11-24T18:00:00Z" }),
        NOW,
      ),
    ).toBeNull();
  });

  it("changes nothing that is already so, and never touches an event that is over", () => {
    expect(scoreChange({ ...live, homeScore: 2 }, item({}), NOW)).toBeNull();
    expect(scoreChange({ status: "ENDED", phase: "LIVE", homeScore: 0, awayScore: 0 }, item({ completed: true }), NOW)).toBeNull();
    expect(scoreChange({ status: "CANCELLED", phase: "PREMATCH", homeScore: null, awayScore: null }, item({}), NOW)).toBeNull();
  });
});

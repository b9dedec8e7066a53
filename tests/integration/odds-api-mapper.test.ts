// Over 300 lines: the mapping onto our tables case by case, against one Postgres.
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { type Db, createDb } from "../../lib/db";
import { settlePending } from "../../lib/bets/settlement";
import { writeOdds, writeScores, ensureSports } from "../../lib/feed/odds-api/mapper";
import type { ApiBookmaker, ApiOddsEvent, ApiScoreEvent } from "../../lib/feed/odds-api/schemas";
import { ApiOddsEvent as ApiOddsEventSchema } from "../../lib/feed/odds-api/schemas";
import { createTestDatabase } from "../support/services";

/**
 * The Odds API mapper against real Postgres and its triggers (docs/odds-source.md): what one poll
 * writes, and above all what it does not write, seen through the OddsChange queue.
 */

const MARKETS = ["h2h", "spreads", "totals"];
const NOW = new Date("2026-11-24T12:00:00Z");
const SPORT = "soccer_epl";

type Prices = { h2h: [number, number, number]; spread: [number, number, number]; total: [number, number, number] };

/** Four books around an even match: h2h home/draw/away, spreads [point, home, away], totals [point, over, under]. */
const BASE: Record<string, Prices> = {
  pinnacle: { h2h: [2.5, 3.3, 2.9], spread: [-0.5, 1.95, 1.9], total: [2.5, 1.91, 1.95] },
  bet365: { h2h: [2.45, 3.25, 2.85], spread: [-0.5, 1.93, 1.88], total: [2.5, 1.9, 1.92] },
  draftkings: { h2h: [2.4, 3.3, 2.9], spread: [-0.5, 1.92, 1.9], total: [2.5, 1.88, 1.94] },
  fanduel: { h2h: [2.5, 3.2, 2.8], spread: [-0.5, 1.9, 1.9], total: [2.5, 1.92, 1.9] },
};

function bookmaker(key: string, p: Prices, home: string, away: string): ApiBookmaker {
  return {
    key,
    title: key,
    last_update: "2026-11-24T11:59:00Z",
    markets: [
      {
        key: "h2h",
        outcomes: [
          { name: home, price: p.h2h[0] },
          { name: "Draw", price: p.h2h[1] },
          { name: away, price: p.h2h[2] },
        ],
      },
      {
        key: "spreads",
        outcomes: [
          { name: home, price: p.spread[1], point: p.spread[0] },
          { name: away, price: p.spread[2], point: -p.spread[0] },
        ],
      },
      {
        key: "totals",
        outcomes: [
          { name: "Over", price: p.total[1], point: p.total[0] },
          { name: "Under", price: p.total[2], point: p.total[0] },
        ],
      },
    ],
  };
}

function apiEvent(id: string, home: string, away: string, books: Record<string, Prices> = BASE, commence = "2026-11-24T18:00:00Z"): ApiOddsEvent {
  return ApiOddsEventSchema.parse({
    id,
    sport_key: SPORT,
    sport_title: "EPL",
    commence_time: commence,
    home_team: home,
    away_team: away,
    bookmakers: Object.entries(books).map(([key, p]) => bookmaker(key, p, home, away)),
  });
}

const poll = () => [apiEvent("e1", "Arsenal", "Chelsea"), apiEvent("e2", "Liverpool", "Everton", BASE, "2026-11-24T11:30:00Z")];
const clone = <T>(x: T): T => structuredClone(x);

describe("The Odds API mapper", () => {
  let db: Db;
  const queued = async () =>
    db.$queryRaw<{ eventId: string; rowKind: string | null; rowId: string | null }[]>`
      SELECT "eventId"::text AS "eventId", "rowKind", "rowId"::text AS "rowId" FROM "OddsChange" ORDER BY id`;
  const clearQueue = () => db.$executeRaw`DELETE FROM "OddsChange"`;
  const write = (events: ApiOddsEvent[]) => writeOdds(db, SPORT, events, { markets: MARKETS, now: NOW });
  const pricesOf = (externalId: string, market: string) =>
    db.bookPrice.findMany({
      where: { outcome: { market: { key: market, event: { externalId } } } },
      select: { id: true, bookmaker: true, price: true, outcome: { select: { key: true, point: true } } },
      orderBy: [{ bookmaker: "asc" }, { outcome: { key: "asc" } }],
    });

  beforeAll(async () => {
    db = createDb(await createTestDatabase(inject("pgServerUrl"), "oddsapi"));
  });
  beforeEach(async () => {
    await db.$executeRaw`TRUNCATE "Sport", "Event", "OddsChange" CASCADE`;
  });
  afterAll(async () => db?.$disconnect());

  it("creates sport, events, markets, outcomes and prices on first sight", async () => {
    const result = await write(poll());
    expect(result).toMatchObject({ events: 2, created: 2, pricesWritten: 2 * 4 * 7, pricesUnchanged: 0 });
    expect(Object.keys(result.ids).sort()).toEqual(["e1", "e2"]);
    expect(result.moved.sort()).toEqual(Object.values(result.ids).sort());
    expect(await db.sport.findUniqueOrThrow({ where: { key: SPORT }, select: { title: true, group: true, active: true } })).toEqual({
      title: "EPL",
      group: "Soccer",
      active: true,
    });
    const e1 = await db.event.findUniqueOrThrow({
      where: { externalId: "e1" },
      select: {
        id: true,
        sport: true,
        league: true,
        title: true,
        startsAt: true,
        phase: true,
        status: true,
        markets: { select: { key: true, line: true, outcomes: { select: { key: true, name: true, point: true } } }, orderBy: { key: "asc" } },
      },
    });
    expect(e1).toMatchObject({ id: result.ids.e1, sport: SPORT, league: "EPL", title: "Arsenal vs Chelsea", phase: "PREMATCH", status: "ACTIVE" });
    expect(e1.startsAt.toISOString()).toBe("2026-11-24T18:00:00.000Z");
    expect(e1.markets.map((m) => [m.key, m.line, m.outcomes.map((o) => `${o.key}:${o.name}:${o.point}`).sort()])).toEqual([
      ["h2h", null, ["away:Chelsea:null", "draw:Draw:null", "home:Arsenal:null"]],
      ["spreads", -0.5, ["away:Chelsea:0.5", "home:Arsenal:-0.5"]],
      ["totals", 2.5, ["over:Over:2.5", "under:Under:2.5"]],
    ]);
    expect(await db.event.findUniqueOrThrow({ where: { externalId: "e2" }, select: { phase: true } })).toEqual({ phase: "LIVE" });
    // Every market of the poll came with complete books: each may reopen after a bet stop
    // suspended it before their newest update.
    const all = await db.market.findMany({ where: { event: { externalId: { in: ["e1", "e2"] } } }, select: { id: true } });
    expect(result.quoted.map((q) => q.marketId)).toEqual(all.map((m) => m.id).sort());
    expect(new Set(result.quoted.map((q) => q.bookAt.toISOString()))).toEqual(new Set(["2026-11-24T11:59:00.000Z"]));
    const price = await db.bookPrice.findFirstOrThrow({
      where: { bookmaker: "pinnacle", outcome: { key: "home", market: { key: "h2h", event: { externalId: "e1" } } } },
    });
    expect([price.price, price.lastUpdate.toISOString()]).toEqual([2.5, "2026-11-24T11:59:00.000Z"]);
  });

  it("writing the same poll again writes no price and queues no change", async () => {
    await write(poll());
    await clearQueue();
    const before = await db.bookPrice.findMany({ select: { id: true, updatedAt: true }, orderBy: { id: "asc" } });
    const again = await write(poll());
    expect(again).toMatchObject({ created: 0, pricesWritten: 0, pricesUnchanged: 56, moved: [] });
    expect(await queued()).toEqual([]);
    expect(await db.bookPrice.findMany({ select: { id: true, updatedAt: true }, orderBy: { id: "asc" } })).toEqual(before);
  });

  it("a moved price writes exactly that row and queues exactly its change", async () => {
    const first = await write(poll());
    await clearQueue();
    const events = poll();
    const moved = clone(BASE);
    moved.bet365!.h2h = [2.4, 3.25, 2.85];
    events[0] = apiEvent("e1", "Arsenal", "Chelsea", moved);
    const result = await write(events);
    expect(result).toMatchObject({ pricesWritten: 1, pricesUnchanged: 55, moved: [first.ids.e1] });
    const row = (await pricesOf("e1", "h2h")).find((p) => p.bookmaker === "bet365" && p.outcome.key === "home");
    expect(row?.price).toBe(2.4);
    expect(await queued()).toEqual([{ eventId: first.ids.e1, rowKind: "price", rowId: row?.id }]);
  });

  it("a book that stops quoting loses its rows", async () => {
    const first = await write(poll());
    await clearQueue();
    const { fanduel: _gone, ...rest } = BASE;
    const result = await write([apiEvent("e1", "Arsenal", "Chelsea", rest), poll()[1]!]);
    expect(result).toMatchObject({ pricesWritten: 0, moved: [first.ids.e1] });
    for (const market of MARKETS) expect((await pricesOf("e1", market)).map((p) => p.bookmaker)).not.toContain("fanduel");
    expect((await pricesOf("e2", "h2h")).map((p) => p.bookmaker)).toContain("fanduel");
    expect(new Set((await queued()).map((c) => c.eventId))).toEqual(new Set([first.ids.e1]));
  });

  it("a new line replaces the market's prices and moves its line and points", async () => {
    await write(poll());
    const shifted = clone(BASE);
    for (const p of Object.values(shifted)) p.total = [3.5, 2.3, 1.62];
    shifted.fanduel!.total = [2.5, 1.92, 1.9]; // one book still on the old line
    const result = await write([apiEvent("e1", "Arsenal", "Chelsea", shifted)]);
    expect(result.drops.other_line).toBe(1);
    const market = await db.market.findFirstOrThrow({
      where: { key: "totals", event: { externalId: "e1" } },
      select: { line: true, outcomes: { select: { key: true, point: true } } },
    });
    expect(market.line).toBe(3.5);
    expect(market.outcomes.map((o) => o.point)).toEqual([3.5, 3.5]);
    const prices = await pricesOf("e1", "totals");
    expect(prices.map((p) => `${p.bookmaker}:${p.outcome.key}:${p.price}`)).toEqual([
      "bet365:over:2.3",
      "bet365:under:1.62",
      "draftkings:over:2.3",
      "draftkings:under:1.62",
      "pinnacle:over:2.3",
      "pinnacle:under:1.62",
    ]);
  });

  it("drops outliers before the table and counts them", async () => {
    const books = clone(BASE);
    books.bet365!.h2h = [0.5, 3.25, 2.85]; // range
    books.draftkings!.spread = [-0.5, 2.3, 2.3]; // overround 0.87
    books.fanduel!.total = [2.5, 3.6, 1.3]; // jump: 0.26 against ~0.5
    const result = await write([apiEvent("e1", "Arsenal", "Chelsea", books)]);
    expect(result.drops).toEqual({ range: 1, overround: 1, jump: 2, unmatched: 0, other_line: 0 });
    expect((await pricesOf("e1", "h2h")).map((p) => p.bookmaker)).not.toContain("bet365");
    expect((await pricesOf("e1", "spreads")).map((p) => p.bookmaker)).not.toContain("draftkings");
    expect((await pricesOf("e1", "totals")).map((p) => p.bookmaker)).not.toContain("fanduel");
    expect(await db.bookPrice.count({ where: { OR: [{ price: { lt: 1.01 } }, { price: { gt: 1000 } }] } })).toBe(0);
  });

  it("one malformed item does not poison the rest of the batch", async () => {
    const broken = apiEvent("e1", "Arsenal", "Chelsea");
    broken.bookmakers[0]!.markets[0]!.outcomes.pop(); // pinnacle's h2h misses the away side
    broken.bookmakers[1]!.markets[1]!.outcomes[0]!.name = "Arsenal FC"; // bet365's spread names a stranger
    const result = await write([broken, poll()[1]!]);
    expect(result.drops.unmatched).toBe(3); // the missing away; the stranger, and its missing home side
    expect(result.pricesWritten).toBe(56 - 3 - 2);
    expect((await pricesOf("e1", "h2h")).map((p) => p.bookmaker)).not.toContain("pinnacle");
    expect(await pricesOf("e1", "totals")).toHaveLength(8);
    expect(await pricesOf("e2", "h2h")).toHaveLength(12);
  });

  it("scores set score and phase; completion ends the event, and settlement can settle it", async () => {
    const { ids } = await write(poll());
    const outcome = await db.outcome.findFirstOrThrow({ where: { key: "home", market: { key: "h2h", eventId: ids.e2 } }, select: { id: true } });
    await db.bet.create({ data: { userId: "sim-1", outcomeId: outcome.id, stake: 10, price: 2.5 } });
    const score = (id: string, home: string, away: string, completed: boolean, commence: string): ApiScoreEvent => ({
      id,
      sport_key: SPORT,
      commence_time: commence,
      completed,
      home_team: home,
      away_team: away,
      scores: [
        { name: away, score: "1" },
        { name: home, score: "2" },
      ],
      last_update: "2026-11-24T12:00:00Z",
    });
    await clearQueue();
    const live = await writeScores(
      db,
      [score("e2", "Liverpool", "Everton", false, "2026-11-24T11:30:00Z"), score("unknown", "A", "B", true, "2026-11-24T11:00:00Z")],
      { now: NOW },
    );
    // The first score read is the state, not a change in the game: no bet stop for it.
    expect(live).toEqual({ scoreChanged: [], started: [], completed: [] });
    expect(await db.event.findUniqueOrThrow({ where: { id: ids.e2 }, select: { homeScore: true, awayScore: true, phase: true, status: true } })).toEqual({
      homeScore: 2,
      awayScore: 1,
      phase: "LIVE",
      status: "ACTIVE",
    });
    expect(await writeScores(db, [score("e2", "Liverpool", "Everton", false, "2026-11-24T11:30:00Z")], { now: NOW })).toEqual({
      scoreChanged: [],
      started: [],
      completed: [],
    });
    const goal = {
      ...score("e2", "Liverpool", "Everton", false, "2026-11-24T11:30:00Z"),
      scores: [
        { name: "Everton", score: "1" },
        { name: "Liverpool", score: "3" },
      ],
    };
    expect(await writeScores(db, [goal], { now: NOW })).toEqual({ scoreChanged: [ids.e2], started: [], completed: [] });
    const started = await writeScores(db, [{ ...score("e1", "Arsenal", "Chelsea", false, "2026-11-24T18:00:00Z"), scores: null }], {
      now: new Date("2026-11-24T18:01:00Z"),
    });
    expect(started).toEqual({ scoreChanged: [], started: [ids.e1], completed: [] });
    const done = await writeScores(db, [{ ...goal, completed: true }], { now: NOW });
    expect(done).toEqual({ scoreChanged: [], started: [], completed: [ids.e2] });
    expect(await db.event.findUniqueOrThrow({ where: { id: ids.e2 }, select: { status: true } })).toEqual({ status: "ENDED" });
    await settlePending(db);
    expect(await db.bet.findFirstOrThrow({ where: { outcomeId: outcome.id }, select: { status: true } })).toEqual({ status: "WON" });
  });

  it("a later odds poll does not resurrect an ended event, nor write its prices", async () => {
    const { ids } = await write(poll());
    await db.event.update({ where: { id: ids.e1 }, data: { status: "ENDED", homeScore: 1, awayScore: 0 } });
    await clearQueue();
    const moved = clone(BASE);
    moved.pinnacle!.h2h = [2.0, 3.6, 3.8];
    const result = await write([apiEvent("e1", "Arsenal", "Chelsea", moved, "2026-11-24T11:00:00Z")]); // moved, and now "started"
    expect(result).toMatchObject({ events: 1, created: 0, pricesWritten: 0, moved: [], ids: { e1: ids.e1 } });
    const row = await db.event.findUniqueOrThrow({ where: { id: ids.e1 }, select: { status: true, phase: true, startsAt: true } });
    expect(row).toEqual({ status: "ENDED", phase: "PREMATCH", startsAt: new Date("2026-11-24T18:00:00Z") });
    expect(await queued()).toEqual([]);
  });

  it("one poll is one transaction: a failure half-way writes nothing", async () => {
    await db.$executeRawUnsafe(`CREATE FUNCTION test_boom() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW."bookmaker" = 'boom' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$`);
    await db.$executeRawUnsafe(`CREATE TRIGGER test_boom BEFORE INSERT ON "BookPrice" FOR EACH ROW EXECUTE FUNCTION test_boom()`);
    try {
      const events = [apiEvent("e1", "Arsenal", "Chelsea", { ...BASE, boom: BASE.pinnacle! })];
      await expect(write(events)).rejects.toThrow(/boom/);
      expect([await db.sport.count(), await db.event.count(), await db.market.count(), await db.bookPrice.count(), (await queued()).length]).toEqual([
        0, 0, 0, 0, 0,
      ]);
    } finally {
      await db.$executeRawUnsafe(`DROP TRIGGER test_boom ON "BookPrice"`);
      await db.$executeRawUnsafe(`DROP FUNCTION test_boom()`);
    }
  });

  it("sports are upserted, and only real changes are written", async () => {
    expect(await write([])).toMatchObject({ events: 0, ids: {} });
    expect(await db.sport.count()).toBe(0); // an empty poll creates nothing
    const sports = [
      { key: SPORT, group: "Soccer", title: "EPL", description: "", active: true, has_outrights: false },
      { key: "basketball_nba", group: "Basketball", title: "NBA", description: "", active: false, has_outrights: false },
    ];
    expect(await ensureSports(db, sports)).toEqual({ created: 2 });
    const before = await db.sport.findMany({ orderBy: { key: "asc" } });
    expect(await ensureSports(db, sports)).toEqual({ created: 0 });
    expect(await db.sport.findMany({ orderBy: { key: "asc" } })).toEqual(before);
    await ensureSports(db, [{ ...sports[1]!, active: true }]);
    expect(await db.sport.findUniqueOrThrow({ where: { key: "basketball_nba" }, select: { active: true } })).toEqual({ active: true });
  });
});

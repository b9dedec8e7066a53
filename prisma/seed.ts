// Over 300 lines: most of it is the demo data itself (leagues, teams, bookmakers, markets).
import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
import type { Db } from "../lib/db";
import { DEMO_BOOKS, bookPrices, seededRng, threeWay, twoWay, type Rng } from "../lib/feed/market-model";

/**
 * Demo data: five sports (one esports, stored with a null sport as the original Event table did),
 * twelve events each, h2h / spreads / totals from four bookmakers, and a small opening pool.
 * Deterministic for a given seed, so every machine shows the same board.
 */

interface SportSpec {
  key: string;
  title: string;
  group: string;
  isEsports: boolean;
  leagues: string[];
  teams: string[];
  draw: boolean;
  /** Handicap of the home side per unit of strength difference, and the line step. */
  spreadPerUnit: number;
  spreadStep: number;
  total: number;
  totalStep: number;
  homeAdvantage: number;
}

export const DEMO_SPORTS: SportSpec[] = [
  {
    key: "soccer_epl",
    title: "EPL",
    group: "Soccer",
    isEsports: false,
    leagues: ["Premier League"],
    draw: true,
    teams: [
      "Arsenal",
      "Aston Villa",
      "Bournemouth",
      "Brentford",
      "Brighton",
      "Chelsea",
      "Crystal Palace",
      "Everton",
      "Fulham",
      "Liverpool",
      "Manchester City",
      "Manchester United",
      "Newcastle United",
      "Nottingham Forest",
      "Tottenham Hotspur",
      "West Ham United",
      "Wolverhampton",
      "Leicester City",
      "Ipswich Town",
      "Southampton",
      "Leeds United",
      "Burnley",
      "Sunderland",
      "Sheffield United",
    ],
    spreadPerUnit: 1,
    spreadStep: 0.5,
    total: 2.5,
    totalStep: 0.5,
    homeAdvantage: 0.3,
  },
  {
    key: "basketball_nba",
    title: "NBA",
    group: "Basketball",
    isEsports: false,
    leagues: ["NBA"],
    draw: false,
    teams: [
      "Boston Celtics",
      "Los Angeles Lakers",
      "Golden State Warriors",
      "Milwaukee Bucks",
      "Denver Nuggets",
      "Miami Heat",
      "Phoenix Suns",
      "Philadelphia 76ers",
      "New York Knicks",
      "Dallas Mavericks",
      "LA Clippers",
      "Memphis Grizzlies",
      "Sacramento Kings",
      "Cleveland Cavaliers",
      "Minnesota Timberwolves",
      "Oklahoma City Thunder",
      "New Orleans Pelicans",
      "Indiana Pacers",
      "Orlando Magic",
      "Atlanta Hawks",
      "Chicago Bulls",
      "Toronto Raptors",
      "Houston Rockets",
      "Utah Jazz",
    ],
    spreadPerUnit: 9,
    spreadStep: 0.5,
    total: 224.5,
    totalStep: 1,
    homeAdvantage: 0.15,
  },
  {
    key: "americanfootball_nfl",
    title: "NFL",
    group: "American Football",
    isEsports: false,
    leagues: ["NFL"],
    draw: false,
    teams: [
      "Kansas City Chiefs",
      "Philadelphia Eagles",
      "Buffalo Bills",
      "San Francisco 49ers",
      "Dallas Cowboys",
      "Baltimore Ravens",
      "Cincinnati Bengals",
      "Miami Dolphins",
      "Detroit Lions",
      "Green Bay Packers",
      "Jacksonville Jaguars",
      "Los Angeles Chargers",
      "Seattle Seahawks",
      "Pittsburgh Steelers",
      "Minnesota Vikings",
      "New York Jets",
      "Houston Texans",
      "Cleveland Browns",
      "Tampa Bay Buccaneers",
      "Los Angeles Rams",
      "Atlanta Falcons",
      "Chicago Bears",
      "Denver Broncos",
      "New Orleans Saints",
    ],
    spreadPerUnit: 7,
    spreadStep: 0.5,
    total: 45.5,
    totalStep: 1,
    homeAdvantage: 0.12,
  },
  {
    key: "icehockey_nhl",
    title: "NHL",
    group: "Ice Hockey",
    isEsports: false,
    leagues: ["NHL"],
    draw: false,
    teams: [
      "Boston Bruins",
      "New York Rangers",
      "Toronto Maple Leafs",
      "Edmonton Oilers",
      "Colorado Avalanche",
      "Tampa Bay Lightning",
      "Florida Panthers",
      "Dallas Stars",
      "Vegas Golden Knights",
      "New Jersey Devils",
      "Carolina Hurricanes",
      "Winnipeg Jets",
      "Vancouver Canucks",
      "Los Angeles Kings",
      "Nashville Predators",
      "Minnesota Wild",
      "Seattle Kraken",
      "Pittsburgh Penguins",
      "Washington Capitals",
      "Detroit Red Wings",
      "Calgary Flames",
      "Ottawa Senators",
      "St. Louis Blues",
      "Buffalo Sabres",
    ],
    spreadPerUnit: 0,
    spreadStep: 1.5,
    total: 6.5,
    totalStep: 0.5,
    homeAdvantage: 0.1,
  },
  {
    key: "esports",
    title: "Esports",
    group: "Esports",
    isEsports: true,
    leagues: ["LoL Worlds", "CS2 Major"],
    draw: false,
    teams: [
      "T1",
      "Gen.G",
      "G2 Esports",
      "Fnatic",
      "JD Gaming",
      "Bilibili Gaming",
      "Cloud9",
      "Team Liquid",
      "Natus Vincere",
      "FaZe Clan",
      "Team Vitality",
      "MOUZ",
      "Team Spirit",
      "Heroic",
      "Astralis",
      "Eternal Fire",
      "Hanwha Life",
      "Top Esports",
      "Weibo Gaming",
      "Dplus KIA",
      "100 Thieves",
      "Team BDS",
      "MAD Lions",
      "Complexity",
    ],
    spreadPerUnit: 0,
    spreadStep: 1.5,
    total: 2.5,
    totalStep: 1,
    homeAdvantage: 0,
  },
];

export const EVENTS_PER_SPORT = 12;

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

export interface SeedCounts {
  sports: number;
  events: number;
  markets: number;
  outcomes: number;
  prices: number;
  bets: number;
}

/** True when the database has no sports yet (the seed's only precondition). */
export async function isEmpty(db: Db): Promise<boolean> {
  return (await db.sport.count()) === 0;
}

export interface SeedOptions {
  seed?: number;
  now?: Date;
  /** Benches seed bigger boards; the demo has twelve. */
  eventsPerSport?: number;
}

/** Writes the demo board in one transaction; refuses to run on a database that has sports. */
export async function seedDemoData(db: Db, options: SeedOptions = {}): Promise<SeedCounts> {
  const rng = seededRng(options.seed ?? 20261122);
  const now = options.now ?? new Date();
  const perSport = options.eventsPerSport ?? EVENTS_PER_SPORT;
  return db.$transaction(
    async (tx) => {
      if ((await tx.sport.count()) > 0) throw new Error("The database already has sports; the demo seed only fills an empty database");
      const counts: SeedCounts = { sports: 0, events: 0, markets: 0, outcomes: 0, prices: 0, bets: 0 };
      for (const sport of DEMO_SPORTS) await seedSport(tx, sport, rng, now, perSport, counts);
      return counts;
    },
    { timeout: 600_000 },
  );
}

async function seedSport(tx: Tx, sport: SportSpec, rng: Rng, now: Date, perSport: number, counts: SeedCounts): Promise<void> {
  await tx.sport.create({ data: { key: sport.key, title: sport.title, group: sport.group, isEsports: sport.isEsports } });
  counts.sports += 1;
  const teams = shuffle([...sport.teams], rng);
  for (let i = 0; i < perSport; i += 1) {
    const home = teams[(2 * i) % teams.length] ?? "Home";
    const away = teams[(2 * i + 1) % teams.length] ?? "Away";
    const live = i < 2; // the first two of each sport are in play
    const startsAt = new Date(now.getTime() + (live ? -(30 + i * 25) * 60_000 : (2 + i * 9 + Math.floor(rng() * 6)) * 3_600_000));
    const diff = (rng() * 2 - 1) * 1.6 + sport.homeAdvantage;
    const eventId = randomUUID();
    await tx.event.create({
      data: {
        id: eventId,
        externalId: `demo-${sport.key}-${i + 1}`,
        sport: sport.isEsports ? null : sport.key,
        isEsports: sport.isEsports,
        league: sport.leagues[i % sport.leagues.length] ?? sport.title,
        homeTeam: home,
        awayTeam: away,
        title: `${home} vs ${away}`,
        startsAt,
        phase: live ? "LIVE" : "PREMATCH",
        homeScore: live ? Math.floor(rng() * 3 * (sport.total / 6 + 0.2)) : null,
        awayScore: live ? Math.floor(rng() * 3 * (sport.total / 6 + 0.2)) : null,
      },
    });
    counts.events += 1;
    for (const market of marketsFor(sport, diff, rng, { home, away })) await seedMarket(tx, eventId, market, rng, counts);
  }
}

interface MarketSpec {
  key: string;
  line: number | null;
  outcomes: { key: string; name: string; point: number | null }[];
  probabilities: number[];
}

/** The event's markets; sides are named after the teams, as a bet slip shows them. */
function marketsFor(sport: SportSpec, diff: number, rng: Rng, teams: { home: string; away: string }): MarketSpec[] {
  const h2h: MarketSpec = sport.draw
    ? { key: "h2h", line: null, probabilities: threeWay(diff), outcomes: [o("home", teams.home), o("draw", "Draw"), o("away", teams.away)] }
    : { key: "h2h", line: null, probabilities: twoWay(diff * 1.2), outcomes: [o("home", teams.home), o("away", teams.away)] };
  const rawSpread = sport.spreadPerUnit === 0 ? (diff >= 0 ? -sport.spreadStep : sport.spreadStep) : -diff * sport.spreadPerUnit;
  const spread = Math.round(rawSpread / sport.spreadStep) * sport.spreadStep || -sport.spreadStep;
  const total = sport.total + Math.round(((rng() * 2 - 1) * 2) / sport.totalStep) * sport.totalStep * 0.5;
  const lean = (rng() * 2 - 1) * 0.12;
  return [
    h2h,
    {
      key: "spreads",
      line: spread,
      probabilities: [0.5 + lean / 2, 0.5 - lean / 2],
      outcomes: [o("home", teams.home, spread), o("away", teams.away, -spread)],
    },
    { key: "totals", line: total, probabilities: [0.5 - lean / 3, 0.5 + lean / 3], outcomes: [o("over", "Over", total), o("under", "Under", total)] },
  ];
}

function o(key: string, name: string, point: number | null = null) {
  return { key, name, point };
}

async function seedMarket(tx: Tx, eventId: string, market: MarketSpec, rng: Rng, counts: SeedCounts): Promise<void> {
  const marketId = randomUUID();
  await tx.market.create({ data: { id: marketId, eventId, key: market.key, line: market.line } });
  counts.markets += 1;
  const outcomeIds = market.outcomes.map(() => randomUUID());
  await tx.outcome.createMany({ data: market.outcomes.map((outcome, i) => ({ id: outcomeIds[i] ?? "", marketId, ...outcome })) });
  counts.outcomes += market.outcomes.length;
  const prices = DEMO_BOOKS.flatMap((book) => {
    const quoted = bookPrices(market.probabilities, book, rng);
    return quoted.map((price, i) => ({ outcomeId: outcomeIds[i] ?? "", bookmaker: book.key, price, lastUpdate: new Date() }));
  });
  await tx.bookPrice.createMany({ data: prices });
  counts.prices += prices.length;
  const bets = Array.from({ length: 2 + Math.floor(rng() * 4) }, () => {
    const i = pickWeighted(market.probabilities, rng);
    return {
      userId: `demo-user-${1 + Math.floor(rng() * 50)}`,
      outcomeId: outcomeIds[i] ?? "",
      stake: Math.round(10 + rng() * rng() * 490),
      price: 1 / (market.probabilities[i] ?? 0.5),
    };
  });
  await tx.bet.createMany({ data: bets });
  counts.bets += bets.length;
}

export function pickWeighted(weights: readonly number[], rng: Rng): number {
  let r = rng() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < weights.length; i += 1) {
    r -= weights[i] ?? 0;
    if (r <= 0) return i;
  }
  return weights.length - 1;
}

function shuffle<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

/** `npm run db:seed`: fills an empty DATABASE_URL with the demo board. */
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { runMain } = await import("../lib/process");
  runMain(async () => {
    const { env } = await import("../lib/env");
    const { createDb } = await import("../lib/db");
    const db = createDb(env().DATABASE_URL);
    try {
      if (!(await isEmpty(db))) {
        console.log("Database already has data; not seeding");
        return;
      }
      console.log("Seeded", await seedDemoData(db));
    } finally {
      await db.$disconnect();
    }
  });
}

/**
 * What the fake Odds API knows: sports, teams and bookmakers as the real one names them. Plain
 * data; market.ts prices it and server.ts serves it.
 */

export interface SportFixture {
  key: string;
  group: string;
  title: string;
  description: string;
  active: boolean;
  /** Soccer's h2h has a Draw. */
  threeWay: boolean;
  /** How long a game lasts from its start to its end, ms (for in-play and completion). */
  durationMs: number;
  /** The main totals line and the spread (handicap) step of the sport. */
  totalsLine: number;
  spreadStep: number;
  /** Handicap points per unit of strength (logit of the home win chance). */
  spreadPerStrength: number;
  /** Typical goals/points a side scores per scoring event, for the in-play score. */
  pointsPerScore: number[];
  teams: string[];
}

const MINUTE = 60_000;

export const SPORTS: SportFixture[] = [
  {
    key: "soccer_epl",
    group: "Soccer",
    title: "EPL",
    description: "English Premier League",
    active: true,
    threeWay: true,
    durationMs: 115 * MINUTE,
    totalsLine: 2.5,
    spreadStep: 0.5,
    spreadPerStrength: 1,
    pointsPerScore: [1],
    teams: [
      "Arsenal",
      "Aston Villa",
      "Bournemouth",
      "Brentford",
      "Brighton and Hove Albion",
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
      "Wolverhampton Wanderers",
      "Leeds United",
      "Burnley",
      "Sunderland",
    ],
  },
  {
    key: "basketball_nba",
    group: "Basketball",
    title: "NBA",
    description: "US Basketball",
    active: true,
    threeWay: false,
    durationMs: 150 * MINUTE,
    totalsLine: 224.5,
    spreadStep: 1,
    spreadPerStrength: 9,
    pointsPerScore: [2, 2, 3, 1],
    teams: [
      "Boston Celtics",
      "Denver Nuggets",
      "Los Angeles Lakers",
      "Golden State Warriors",
      "Miami Heat",
      "Milwaukee Bucks",
      "Phoenix Suns",
      "New York Knicks",
      "Dallas Mavericks",
      "Oklahoma City Thunder",
      "Cleveland Cavaliers",
      "Minnesota Timberwolves",
      "Philadelphia 76ers",
      "Sacramento Kings",
    ],
  },
  {
    key: "americanfootball_nfl",
    group: "American Football",
    title: "NFL",
    description: "US Football",
    active: true,
    threeWay: false,
    durationMs: 195 * MINUTE,
    totalsLine: 44.5,
    spreadStep: 1,
    spreadPerStrength: 8,
    pointsPerScore: [3, 7, 7, 6],
    teams: [
      "Kansas City Chiefs",
      "Buffalo Bills",
      "Philadelphia Eagles",
      "San Francisco 49ers",
      "Dallas Cowboys",
      "Baltimore Ravens",
      "Detroit Lions",
      "Green Bay Packers",
      "Miami Dolphins",
      "Cincinnati Bengals",
      "Los Angeles Rams",
      "Pittsburgh Steelers",
      "Houston Texans",
      "Minnesota Vikings",
    ],
  },
  {
    key: "icehockey_nhl",
    group: "Ice Hockey",
    title: "NHL",
    description: "US Ice Hockey",
    active: true,
    threeWay: false,
    durationMs: 150 * MINUTE,
    totalsLine: 6.5,
    spreadStep: 1.5,
    spreadPerStrength: 1.5,
    pointsPerScore: [1],
    teams: [
      "Boston Bruins",
      "Colorado Avalanche",
      "Edmonton Oilers",
      "Florida Panthers",
      "New York Rangers",
      "Toronto Maple Leafs",
      "Vegas Golden Knights",
      "Dallas Stars",
      "Carolina Hurricanes",
      "Tampa Bay Lightning",
      "Winnipeg Jets",
      "Vancouver Canucks",
    ],
  },
  {
    key: "baseball_mlb",
    group: "Baseball",
    title: "MLB",
    description: "Major League Baseball",
    active: false,
    threeWay: false,
    durationMs: 180 * MINUTE,
    totalsLine: 8.5,
    spreadStep: 1.5,
    spreadPerStrength: 1.5,
    pointsPerScore: [1],
    teams: ["New York Yankees", "Los Angeles Dodgers", "Houston Astros", "Atlanta Braves"],
  },
];

/**
 * When each event of an active sport starts, relative to the fake's start, ms: two in play, one
 * finished (only /scores?daysFrom shows it), two within the hour, the rest days ahead.
 */
export const EVENT_OFFSETS_MS: number[] = [
  -20 * 60 * MINUTE, // finished last night
  -40 * MINUTE, // in play
  -10 * MINUTE, // in play
  25 * MINUTE,
  50 * MINUTE,
  26 * 60 * MINUTE,
  2 * 24 * 60 * MINUTE + 90 * MINUTE,
  3 * 24 * 60 * MINUTE + 180 * MINUTE,
];

export type Region = "us" | "uk" | "eu";

export interface BookmakerFixture {
  key: string;
  title: string;
  region: Region;
  /** Overround: the sum of implied probabilities of a market at this book, e.g. 1.05. */
  margin: number;
}

export const BOOKMAKERS: BookmakerFixture[] = [
  { key: "draftkings", title: "DraftKings", region: "us", margin: 1.05 },
  { key: "fanduel", title: "FanDuel", region: "us", margin: 1.045 },
  { key: "betmgm", title: "BetMGM", region: "us", margin: 1.06 },
  { key: "williamhill_us", title: "Caesars", region: "us", margin: 1.055 },
  { key: "williamhill", title: "William Hill", region: "uk", margin: 1.065 },
  { key: "bet365", title: "Bet365", region: "uk", margin: 1.05 },
  { key: "skybet", title: "Sky Bet", region: "uk", margin: 1.07 },
  { key: "pinnacle", title: "Pinnacle", region: "eu", margin: 1.03 },
  { key: "unibet_eu", title: "Unibet", region: "eu", margin: 1.055 },
  { key: "betsson", title: "Betsson", region: "eu", margin: 1.06 },
];

/** Regions and markets the fake knows; others are not counted (and return nothing), as upstream. */
export const REGIONS: readonly string[] = ["us", "uk", "eu"];
export const MARKETS: readonly string[] = ["h2h", "spreads", "totals"];

/**
 * Odds-maths benchmark: hybridOdds over 10,000 three-way markets with 8 bookmakers each, per margin
 * method, plus priceMarket on the default method, against a naive implementation timed in the same
 * run (absolute times on shared machines are noisy; the ratio is the stable number).
 *
 *   npx tsx bench/odds.ts            # 31 timed runs per row (default)
 *   npx tsx bench/odds.ts 51         # more runs
 *
 * Markets are deterministic (seeded PRNG): true probabilities for home/draw/away, each book adds
 * its own ±4% noise and a 2–8% margin (half proportionally, half additively, which skews margin
 * onto long shots), rounds its prices down to 2 dp; half the markets have stakes on our site.
 */
import os from "node:os";
import { seededRng } from "../lib/feed/market-model";
import { DEFAULT_MARGIN_METHOD, MARGIN_METHODS, type BookPrices, type MarginMethod, type MarketBook, hybridOdds, ladderPrices, priceMarket } from "../lib/odds";

const MARKETS = 10_000;
const BOOKS = 8;
const OUTCOMES = 3;
const MARGIN = 0.05;
const LIQUIDITY = 10_000;
const WARMUP_RUNS = 5;
const RUNS = Number(process.argv[2] ?? 31);

interface Market {
  books: BookPrices[];
  stakes: number[];
}

function generateMarkets(count: number, seed: number): Market[] {
  const random = seededRng(seed);
  const between = (lo: number, hi: number) => lo + (hi - lo) * random();
  const markets: Market[] = [];
  for (let m = 0; m < count; m++) {
    const home = between(0.2, 0.65);
    const draw = between(0.2, 0.3);
    const truth = [home, draw, Math.max(0.03, 1 - home - draw)];
    const books: BookPrices[] = [];
    for (let b = 0; b < BOOKS; b++) {
      const noisy = truth.map((p) => p * between(0.96, 1.04));
      const total = noisy.reduce((a, x) => a + x, 0);
      const margin = between(0.02, 0.08);
      const proportional = b % 2 === 0;
      const prices = noisy.map((p) => {
        const fair = p / total;
        const implied = proportional ? fair * (1 + margin) : fair + margin / OUTCOMES;
        return Math.max(1.01, Math.floor(100 / implied) / 100);
      });
      books.push({ book: `book${b}`, prices });
    }
    const stakes = random() < 0.5 ? [0, 0, 0] : truth.map(() => Math.round(between(0, 5000)));
    markets.push({ books, stakes });
  }
  return markets;
}

// ---- the baseline: how one would write it without caring about allocation ----------------------

const LADDER = ladderPrices();

function naiveHybrid(market: Market): { price: number; fair: number; pool: number; blended: number }[] {
  const fairRows = market.books.map((book) => {
    const implied = book.prices.map((d) => 1 / d);
    const sum = implied.reduce((a, b) => a + b, 0);
    return implied.map((r) => r / sum);
  });
  const medians = market.stakes.map((_, i) => {
    const column = fairRows.map((row) => row[i]!).sort((a, b) => a - b);
    const mid = column.length >> 1;
    return column.length % 2 ? column[mid]! : (column[mid - 1]! + column[mid]!) / 2;
  });
  const medianSum = medians.reduce((a, b) => a + b, 0);
  const fair = medians.map((f) => f / medianSum);
  const total = market.stakes.reduce((a, b) => a + b, 0);
  const w = total > 0 ? total / (total + LIQUIDITY) : 0;
  return fair.map((f, i) => {
    const pool = total > 0 ? market.stakes[i]! / total : 0;
    const blended = (1 - w) * f + w * pool;
    const formula = Math.min(1000, Math.max(1.01, 1 / (blended * (1 + MARGIN))));
    const price = LADDER.findLast((tick) => tick <= formula + 1e-9) ?? 1.01;
    return { price, fair: f, pool, blended };
  });
}

// ---- timing ------------------------------------------------------------------------------------

let sink = 0;

function timeOnce(run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

interface Row {
  name: string;
  median: number;
  p95: number;
  baselineMedian: number;
}

/** Times `run` and the baseline alternately, so both see the same machine state. */
function measure(name: string, run: () => void, baseline: () => void): Row {
  for (let i = 0; i < WARMUP_RUNS; i++) {
    run();
    baseline();
  }
  const times: number[] = [];
  const baselineTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    times.push(timeOnce(run));
    baselineTimes.push(timeOnce(baseline));
  }
  times.sort((a, b) => a - b);
  baselineTimes.sort((a, b) => a - b);
  return { name, median: quantile(times, 0.5), p95: quantile(times, 0.95), baselineMedian: quantile(baselineTimes, 0.5) };
}

function main(): void {
  const markets = generateMarkets(MARKETS, 20240601);
  const feed: MarketBook[][] = markets.map((m) => m.books);
  const baseline = () => {
    for (const market of markets) sink += naiveHybrid(market)[0]!.price;
  };
  const hybridWith = (method: MarginMethod) => () => {
    for (const market of markets) {
      sink += hybridOdds({ books: market.books, stakes: market.stakes, margin: MARGIN, liquidity: LIQUIDITY, method })[0]!.price;
    }
  };
  const cases: Array<[string, () => void]> = MARGIN_METHODS.map((method) => [`hybridOdds ${method}`, hybridWith(method)]);
  cases.push([
    `priceMarket ${DEFAULT_MARGIN_METHOD} (default)`,
    () => {
      for (let i = 0; i < markets.length; i++) {
        const market = markets[i]!;
        sink += priceMarket({ books: feed[i]!, stakes: market.stakes, margin: MARGIN, liquidity: LIQUIDITY }).overround;
      }
    },
  ]);
  // Warm every path up front, so the first row is not measured while later ones still tier up.
  for (let i = 0; i < WARMUP_RUNS; i++) for (const [, run] of cases) run();
  print(cases.map(([name, run]) => measure(name, run, baseline)));
}

function print(rows: Row[]): void {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  console.log(`odds bench: ${MARKETS.toLocaleString("en")} three-way markets × ${BOOKS} books, ${RUNS} runs per row`);
  console.log(`node ${process.version}, ${cpu}, one thread; ms per ${MARKETS.toLocaleString("en")} markets`);
  console.log(`baseline = naive multiplicative hybrid (arrays, map/sort/reduce), timed alternately in the same run\n`);
  const header = ["case", "median ms", "p95 ms", "baseline median ms", "ratio"];
  const table = rows.map((r) => [r.name, r.median.toFixed(2), r.p95.toFixed(2), r.baselineMedian.toFixed(2), `${(r.median / r.baselineMedian).toFixed(2)}×`]);
  const widths = header.map((h, c) => Math.max(h.length, ...table.map((row) => row[c]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(" | ")} |`;
  console.log(line(header));
  console.log(`|${widths.map((w, c) => (c === 0 ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")}|`);
  for (const row of table) console.log(line(row));
  const multiplicative = rows.find((r) => r.name === "hybridOdds multiplicative");
  if (multiplicative) {
    const verdict = multiplicative.median < 20 ? "meets" : "MISSES";
    console.log(`\nmultiplicative path: ${multiplicative.median.toFixed(2)} ms median — ${verdict} the < 20 ms target`);
  }
  console.log(`(checksum ${sink.toFixed(2)})`);
}

main();

"use client";

import { memo } from "react";
import { type OddsFormat, formatOdds } from "@/lib/odds";
import { type BookQuote, type MarketOdds, type OutcomeOdds, type PricePoint, historyKey } from "@/lib/protocol";
import { Price, type Pick } from "../../event-row";
import { Ago } from "../../time";
import { Sparkline } from "./sparkline";

const TITLES: Record<string, string> = { h2h: "Match result", spreads: "Spread", totals: "Total" };
const OUTCOME_ORDER = ["home", "draw", "away", "over", "under"];

export interface MarketCardProps {
  sport: string;
  eventId: string;
  market: MarketOdds;
  /** outcomeKey → every bookmaker's quote (absent until the books are read). */
  books: Record<string, BookQuote[]> | undefined;
  history: PricePoint[];
  format: OddsFormat;
  /** The whole event is suspended. */
  closed: boolean;
  onPick: Pick;
}

/**
 * One market, line-shopped: our price (click to bet), the consensus fair price, every bookmaker's
 * price with the best per outcome highlighted, value marks where a book beats the consensus, the
 * age of each book's prices, and our price over the last hour.
 */
export const MarketCard = memo(function MarketCard({ sport, eventId, market, books, history, format, closed, onPick }: MarketCardProps) {
  const outcomes = Object.entries(market.outcomes).sort(([a], [b]) => OUTCOME_ORDER.indexOf(a) - OUTCOME_ORDER.indexOf(b));
  const unavailable = closed || market.status === "suspended";
  const rows = bookRows(
    books,
    outcomes.map(([key]) => key),
  );
  const best = outcomes.map(([key]) => Math.max(0, ...(books?.[key] ?? []).map((q) => q.price)));
  return (
    <section className={`market-card${unavailable ? " unavailable" : ""}`} data-market={market.key}>
      <header>
        <h2>
          {TITLES[market.key] ?? market.key}
          {market.line !== null && <span className="line"> {market.line > 0 && market.key === "spreads" ? `+${market.line}` : market.line}</span>}
        </h2>
        {unavailable && <span className="badge suspended">Suspended</span>}
        {market.arb && <ArbBadge best={best} />}
      </header>
      <table className="line-shopping">
        <thead>
          <tr>
            <th scope="col">Bookmaker</th>
            {outcomes.map(([key, o]) => (
              <th scope="col" key={key}>
                {outcomeLabel(o, market.key)}
              </th>
            ))}
            <th scope="col">Updated</th>
          </tr>
        </thead>
        <tbody>
          <tr className="ours">
            <th scope="row">Our price</th>
            {outcomes.map(([key, o]) => (
              <td key={key}>
                <button
                  type="button"
                  className="outcome"
                  data-outcome={key}
                  disabled={unavailable}
                  onClick={() => onPick({ sport, eventId, market: market.key, outcome: key })}
                  title={`Bet on ${o.name}`}
                >
                  <Price price={o.price} format={format} />
                </button>
              </td>
            ))}
            <td />
          </tr>
          <tr className="consensus">
            <th scope="row" title="The bookmakers' prices with their margins removed">
              Consensus (fair)
            </th>
            {outcomes.map(([key, o]) => (
              <td key={key} data-outcome={key}>
                {o.fairPrice !== null && o.fairPrice > 1 ? formatOdds(o.fairPrice, format) : "—"}
              </td>
            ))}
            <td />
          </tr>
          {rows.map((row) => (
            <tr key={row.book} data-book={row.book}>
              <th scope="row">{row.book}</th>
              {outcomes.map(([key, o], i) => (
                <BookCell key={key} outcome={key} quote={row.quotes[key]} best={best[i] ?? 0} fair={o.fair} format={format} />
              ))}
              <td className="age">
                <Ago at={row.updatedAt} />
              </td>
            </tr>
          ))}
          {rows.length === 0 && (
            <tr>
              <td colSpan={outcomes.length + 2} className="empty">
                No bookmaker prices for this market.
              </td>
            </tr>
          )}
          <tr className="history">
            <th scope="row" title="Our price (solid) and the consensus (dashed) over the last hour">
              Last hour
            </th>
            {outcomes.map(([key, o]) => (
              <td key={key}>
                <Sparkline points={history} outcome={historyKey(market.key, key)} label={o.name} />
              </td>
            ))}
            <td />
          </tr>
        </tbody>
      </table>
    </section>
  );
});

function BookCell({
  outcome,
  quote,
  best,
  fair,
  format,
}: {
  outcome: string;
  quote: BookQuote | undefined;
  best: number;
  fair: number | null;
  format: OddsFormat;
}) {
  if (!quote) return <td data-outcome={outcome}>—</td>;
  const edge = fair ? quote.price * fair - 1 : null;
  const isBest = quote.price === best;
  return (
    <td
      className={`book-price${isBest ? " best" : ""}${edge !== null && edge > 0 ? " value" : ""}`}
      data-outcome={outcome}
      data-price={quote.price}
      title={isBest ? "Best price for this outcome" : undefined}
    >
      <Price price={quote.price} format={format} />
      {edge !== null && edge > 0 && <span className="badge value-tag">+{(edge * 100).toFixed(1)}%</span>}
    </td>
  );
}

/** Backing every outcome at its best price in proportion to 1/price returns the same whatever happens. */
function ArbBadge({ best }: { best: number[] }) {
  const margin = best.reduce((sum, price) => sum + (price > 0 ? 1 / price : Number.POSITIVE_INFINITY), 0);
  const profit = Number.isFinite(margin) && margin > 0 ? (1 / margin - 1) * 100 : null;
  return (
    <span className="badge arb" title="Backing every outcome at its best bookmaker price guarantees a profit">
      Arb{profit !== null && profit > 0 ? ` +${profit.toFixed(2)}%` : ""}
    </span>
  );
}

interface BookRow {
  book: string;
  quotes: Record<string, BookQuote>;
  /** The book's most recent update across the market's outcomes, ms. */
  updatedAt: number;
}

function bookRows(books: Record<string, BookQuote[]> | undefined, outcomes: string[]): BookRow[] {
  const byBook = new Map<string, BookRow>();
  for (const outcome of outcomes) {
    for (const quote of books?.[outcome] ?? []) {
      const row = byBook.get(quote.book) ?? { book: quote.book, quotes: {}, updatedAt: 0 };
      row.quotes[outcome] = quote;
      row.updatedAt = Math.max(row.updatedAt, quote.updatedAt);
      byBook.set(quote.book, row);
    }
  }
  return [...byBook.values()].sort((a, b) => a.book.localeCompare(b.book));
}

/** "Arsenal -1.5" for a spread, "Over 2.5" for a total. */
function outcomeLabel(o: OutcomeOdds, market: string): string {
  if (o.point === null) return o.name;
  return `${o.name} ${market === "spreads" && o.point > 0 ? "+" : ""}${o.point}`;
}

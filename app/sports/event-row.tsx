"use client";

import Link from "next/link";
import { memo, useRef } from "react";
import { useEvent } from "@/lib/live/hooks";
import type { OddsStore } from "@/lib/live/odds-store";
import { type OddsFormat, formatOdds } from "@/lib/odds";
import type { MarketOdds, OutcomeOdds } from "@/lib/protocol";
import type { Selection } from "./bet-slip";
import { StartTime } from "./time";

/** Opens the bet slip on an outcome (a stable function, so rows stay memoised). */
export type Pick = (selection: Selection) => void;

/** One event. Re-renders only when this event's object changes (a delta touched it). */
export const EventRow = memo(function EventRow({
  store,
  sport,
  id,
  format,
  onPick,
}: {
  store: OddsStore;
  sport: string;
  id: string;
  format: OddsFormat;
  onPick: Pick;
}) {
  const event = useEvent(store, sport, id);
  if (!event) return null;
  const suspended = event.status === "suspended";
  return (
    <div className={`event${suspended ? " suspended" : ""}`} data-event-id={event.id} data-status={event.status} data-phase={event.phase}>
      <div className="when">
        {event.phase === "live" ? <span className="badge live">Live</span> : <StartTime iso={event.startsAt} />}
        {suspended && <span className="badge suspended">Suspended</span>}
      </div>
      <Link className="teams" href={`/sports/${sport}/${event.id}`} title={`${event.title}: every market, every bookmaker, price history and chat`}>
        <span className="team">{event.home}</span>
        <span className="team">{event.away}</span>
        {event.score && (
          <span className="score" data-score={`${event.score.home}-${event.score.away}`}>
            {event.score.home} – {event.score.away}
          </span>
        )}
      </Link>
      <Market market={event.markets.h2h} labels={H2H} format={format} closed={suspended} sport={sport} eventId={id} onPick={onPick} />
      <Market market={event.markets.spreads} labels={SPREADS} format={format} closed={suspended} showPoint sport={sport} eventId={id} onPick={onPick} />
      <Market market={event.markets.totals} labels={TOTALS} format={format} closed={suspended} showPoint sport={sport} eventId={id} onPick={onPick} />
    </div>
  );
});

// Module constants, so a market's props stay equal between renders and memo skips it.
const H2H = { home: "1", draw: "X", away: "2" };
const SPREADS = { home: "", away: "" };
const TOTALS = { over: "O", under: "U" };

interface MarketProps {
  market: MarketOdds | undefined;
  labels: Record<string, string>;
  format: OddsFormat;
  closed: boolean;
  showPoint?: boolean;
  sport: string;
  eventId: string;
  onPick: Pick;
}

const Market = memo(function Market({ market, labels, format, closed, showPoint, sport, eventId, onPick }: MarketProps) {
  if (!market) return <div className="market empty">—</div>;
  const unavailable = closed || market.status === "suspended";
  return (
    <div className={`market${unavailable ? " unavailable" : ""}`} data-market={market.key}>
      {Object.keys(labels).map((key) => {
        const outcome = market.outcomes[key];
        const selection = { sport, eventId, market: market.key, outcome: key };
        return outcome ? (
          <Outcome key={key} {...selection} odds={outcome} label={labels[key] ?? ""} format={format} showPoint={showPoint} onPick={onPick} />
        ) : null;
      })}
      {market.arb && (
        <span className="badge arb" title="Backing every outcome at its best bookmaker price guarantees a profit">
          Arb
        </span>
      )}
    </div>
  );
});

/**
 * One price. Its props are the selection's keys and the outcome's own odds, all equal between
 * renders unless this outcome moved, so a move elsewhere in the market does not re-render it.
 */
interface OutcomeProps extends Selection {
  odds: OutcomeOdds;
  label: string;
  format: OddsFormat;
  showPoint?: boolean;
  onPick: Pick;
}

const Outcome = memo(function Outcome({ odds: outcome, label, format, showPoint, onPick, ...selection }: OutcomeProps) {
  const value = outcome.edge !== null && outcome.edge > 0 && outcome.best;
  const point = showPoint && outcome.point !== null ? `${label}${label ? " " : ""}${outcome.point > 0 && !label ? "+" : ""}${outcome.point}` : label;
  const bestNote = outcome.best ? `Best bookmaker price ${outcome.best.price.toFixed(2)} at ${outcome.best.book}` : "No bookmaker prices";
  const edgeNote = outcome.edge !== null ? ` (edge ${(outcome.edge * 100).toFixed(1)}%)` : "";
  return (
    <button
      type="button"
      className={`outcome${value ? " value" : ""}`}
      data-outcome={selection.outcome}
      title={`${outcome.name}: ${bestNote}${edgeNote}`}
      onClick={() => onPick(selection)}
    >
      <span className="label">{point}</span>
      <Price price={outcome.price} format={format} />
      {value && <span className="badge value-tag">+{((outcome.edge ?? 0) * 100).toFixed(1)}%</span>}
    </button>
  );
});

/**
 * A price that flashes up or down when it moves. The inner span is keyed by the price, so a move
 * remounts it and restarts the CSS animation in the same paint as the new text: no flicker.
 */
export const Price = memo(function Price({ price, format }: { price: number; format: OddsFormat }) {
  const previous = useRef(price);
  const direction = useRef<"up" | "down" | null>(null);
  if (previous.current !== price) {
    direction.current = price > previous.current ? "up" : "down";
    previous.current = price;
  }
  return (
    <span className="price" data-price={price}>
      <span key={price} className={direction.current ? `flash-${direction.current}` : undefined}>
        {formatOdds(price, format)}
      </span>
    </span>
  );
});

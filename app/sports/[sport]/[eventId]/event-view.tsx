"use client";

import Link from "next/link";
import type { InPlayDelays } from "@/lib/bets/in-play-delay";
import type { Account } from "@/lib/live/account-store";
import { useEvent } from "@/lib/live/hooks";
import type { BetView, EventBookMarkets, EventOdds, OddsSnapshot, PricePoint } from "@/lib/protocol";
import { LiveStatus } from "../../live-status";
import { OddsFormatSelect } from "../../odds-format-select";
import type { RelayLocation } from "../../relay-address";
import { ClockTime, StartTime } from "../../time";
import { useLivePage } from "../../use-live-page";
import { ChatPanel } from "./chat-panel";
import { MarketCard } from "./market-card";
import { type TimelineEntry, useBooks, usePriceHistory, useTimeline } from "./use-event-detail";

export interface EventViewProps {
  sport: string;
  /** The sport's name, e.g. "NBA". */
  sportTitle: string;
  eventId: string;
  initialSnapshot: OddsSnapshot | null;
  initialBooks: EventBookMarkets;
  initialHistory: PricePoint[];
  initialAccount: Account | null;
  initialBets: BetView[];
  relay: RelayLocation;
  /** How long in-play bets wait, by sport (the server's configuration). */
  delays: InPlayDelays;
  problem: string | null;
}

const MARKET_ORDER = ["h2h", "spreads", "totals"];

/** One event's page: every market live, every bookmaker's price, price history, and the event's chat. */
export function EventView({
  sport,
  sportTitle,
  eventId,
  initialSnapshot,
  initialBooks,
  initialHistory,
  initialAccount,
  initialBets,
  relay,
  delays,
  problem,
}: EventViewProps) {
  const { store, account, connection, format, setFormat, bettor } = useLivePage({
    initialSnapshot,
    initialAccount,
    initialBets,
    relay,
    delays,
    follow: (live) => live.followEvent(sport, eventId),
    followKey: `${sport}/${eventId}`,
  });
  const event = useEvent(store, sport, eventId);
  const books = useBooks(connection, eventId, initialBooks);
  const history = usePriceHistory(store, sport, eventId, initialHistory);
  const opened = initialSnapshot?.events.find((e) => e.id === eventId);
  const timeline = useTimeline(
    connection,
    eventId,
    opened ? { eventId, sport, status: opened.status, phase: opened.phase, score: opened.score, ts: initialSnapshot?.ts ?? 0 } : null,
  );

  return (
    <main className="board event-page" data-event-id={eventId}>
      <header className="board-header">
        <Link href={`/sports?sport=${encodeURIComponent(sport)}`} className="back">
          ← All {sportTitle}
        </Link>
        <OddsFormatSelect format={format} onChange={setFormat} />
        <LiveStatus connection={connection} sport={sport} />
        {bettor.bar}
      </header>
      {problem && <p className="notice problem">{problem}</p>}
      {event ? <EventHeading event={event} /> : <p className="empty">{store.has(sport) ? "This event has left the board." : "Loading the event…"}</p>}
      <div className="event-layout">
        <div className="event-markets">
          {event &&
            Object.values(event.markets)
              .sort((a, b) => MARKET_ORDER.indexOf(a.key) - MARKET_ORDER.indexOf(b.key))
              .map((market) => (
                <MarketCard
                  key={market.key}
                  sport={sport}
                  eventId={eventId}
                  market={market}
                  books={books[market.key]}
                  history={history}
                  format={format}
                  closed={event.status === "suspended"}
                  onPick={bettor.onPick}
                />
              ))}
        </div>
        <aside className="event-side">
          <Timeline entries={timeline} />
          <ChatPanel eventId={eventId} connection={connection} account={account} onSignIn={(reason) => bettor.signIn(reason)} />
        </aside>
      </div>
      {bettor.panels}
    </main>
  );
}

function EventHeading({ event }: { event: EventOdds }) {
  return (
    <section className="event-heading" data-status={event.status} data-phase={event.phase}>
      <p className="event-league">{event.league}</p>
      <h1 className="event-title">
        {event.home} <span className="vs">vs</span> {event.away}
      </h1>
      <p className="event-state">
        {event.phase === "live" ? <span className="badge live">Live</span> : <StartTime iso={event.startsAt} />}
        {event.score && (
          <span className="score" data-score={`${event.score.home}-${event.score.away}`}>
            {event.score.home} – {event.score.away}
          </span>
        )}
        {event.status === "suspended" && <span className="badge suspended">Suspended</span>}
      </p>
    </section>
  );
}

function Timeline({ entries }: { entries: TimelineEntry[] }) {
  return (
    <section className="timeline" aria-label="Event timeline">
      <h2>Timeline</h2>
      {entries.length === 0 ? (
        <p className="empty">Score and status changes appear here as they happen.</p>
      ) : (
        <ol>
          {entries.map((entry, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: two entries may share a time and text; the list only grows at one end.
            <li key={`${entry.at}-${i}`}>
              <ClockTime at={entry.at} /> {entry.text}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

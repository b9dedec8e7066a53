"use client";

import { useEffect, useState } from "react";
import type { InPlayDelays } from "@/lib/bets/in-play-delay";
import type { Account } from "@/lib/live/account-store";
import type { FlushMode } from "@/lib/live/odds-store";
import type { BetView, OddsSnapshot, SportsSummary } from "@/lib/protocol";
import type { SportListing } from "@/lib/protocol";
import { EventList } from "./event-list";
import { LiveStatus } from "./live-status";
import { OddsFormatSelect } from "./odds-format-select";
import type { RelayLocation } from "./relay-address";
import { SportTabs } from "./sport-tabs";
import { useLivePage } from "./use-live-page";

export interface SportsBoardProps {
  sports: SportListing[];
  initialSport: string | null;
  initialSnapshot: OddsSnapshot | null;
  /** The board's event counts per sport when the page was rendered (null: none published yet). */
  initialSummary: SportsSummary | null;
  /** The signed-in bettor and their bets when the page was rendered (null: signed out). */
  initialAccount: Account | null;
  initialBets: BetView[];
  /** The configured public URL of the relay, else its port on the page's own host. */
  relay: RelayLocation;
  /** How long in-play bets wait, by sport (the server's configuration). */
  delays: InPlayDelays;
  notice: string | null;
  problem: string | null;
}

export function SportsBoard({
  sports,
  initialSport,
  initialSnapshot,
  initialSummary,
  initialAccount,
  initialBets,
  relay,
  delays,
  notice,
  problem,
}: SportsBoardProps) {
  const { store, connection, format, setFormat, bettor } = useLivePage({
    initialSnapshot,
    initialSummary,
    initialAccount,
    initialBets,
    relay,
    delays,
    flush: flushMode,
  });
  const [sport, setSport] = useState(initialSport);

  useEffect(() => {
    if (sport) connection?.follow(sport);
  }, [sport, connection]);

  const choose = (key: string) => {
    setSport(key);
    window.history.replaceState(null, "", `/sports?sport=${encodeURIComponent(key)}`);
  };

  return (
    <main className="board">
      <header className="board-header">
        <h1>Live Odds</h1>
        <OddsFormatSelect format={format} onChange={setFormat} />
        <LiveStatus connection={connection} sport={sport} />
        {bettor.bar}
      </header>
      <SportTabs sports={sports} store={store} selected={sport} onChoose={choose} />
      {notice && <p className="notice">{notice}</p>}
      {problem && <p className="notice problem">{problem}</p>}
      {sport ? <EventList store={store} sport={sport} format={format} onPick={bettor.onPick} /> : <p className="empty">No sports are available yet.</p>}
      {bettor.panels}
    </main>
  );
}

/**
 * `?flush=sync` turns off the store's per-frame batching, so bench/page.ts can measure the board
 * batched and unbatched in one run. It changes only when rows re-render, never what they show.
 */
function flushMode(): FlushMode {
  if (typeof window === "undefined") return "frame";
  return new URLSearchParams(window.location.search).get("flush") === "sync" ? "sync" : "frame";
}

"use client";

import { useEffect, useRef, useState } from "react";
import { type Account, AccountStore } from "../../lib/live/account-store";
import { LiveConnection } from "../../lib/live/connection";
import { type FlushMode, OddsStore } from "../../lib/live/odds-store";
import type { OddsFormat } from "../../lib/odds";
import type { BetView, OddsSnapshot, SportsSummary } from "../../lib/protocol";
import type { SportSummary } from "../_lib/sports";
import { useBettorPanels } from "./bettor";
import { EventList } from "./event-list";
import { LiveStatus } from "./live-status";
import { relayAddress } from "./relay-address";
import { SportTabs } from "./sport-tabs";
import { FORMATS, useOddsFormat } from "./odds-format";

export interface SportsBoardProps {
  sports: SportSummary[];
  initialSport: string | null;
  initialSnapshot: OddsSnapshot | null;
  /** The board's event counts per sport when the page was rendered (null: none published yet). */
  initialSummary: SportsSummary | null;
  /** The signed-in bettor and their bets when the page was rendered (null: signed out). */
  initialAccount: Account | null;
  initialBets: BetView[];
  /** The configured public URL of the relay, else its port on the page's own host. */
  relay: { url: string | null; port: number };
  notice: string | null;
  problem: string | null;
}

export function SportsBoard({ sports, initialSport, initialSnapshot, initialSummary, initialAccount, initialBets, relay, notice, problem }: SportsBoardProps) {
  const [store] = useState(() => {
    const created = new OddsStore({ flush: flushMode() });
    if (initialSnapshot) created.applySnapshot(initialSnapshot);
    if (initialSummary) created.applySummary(initialSummary);
    return created;
  });
  const [account] = useState(() => {
    const created = new AccountStore();
    created.set(initialAccount, initialBets);
    return created;
  });
  const [connection, setConnection] = useState<LiveConnection | null>(null);
  const [sport, setSport] = useState(initialSport);
  const [format, setFormat] = useOddsFormat();
  const bettor = useBettorPanels(connection, account, store, format);
  const refreshToken = useRef(bettor.refreshToken);
  refreshToken.current = bettor.refreshToken;

  useEffect(() => {
    const live = new LiveConnection(relayAddress(relay), store, { account, onTokenExpired: () => refreshToken.current() });
    live.connect();
    setConnection(live);
    return () => live.close();
  }, [relay.url, relay.port, store, account]);

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
        <label className="format">
          Odds
          <select value={format} onChange={(e) => setFormat(e.target.value as OddsFormat)} aria-label="Odds format">
            {FORMATS.map((f) => (
              <option key={f} value={f}>
                {f[0]?.toUpperCase() + f.slice(1)}
              </option>
            ))}
          </select>
        </label>
        <LiveStatus connection={connection} />
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

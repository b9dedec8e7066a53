"use client";

import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { type Account, AccountStore } from "../../../../lib/live/account-store";
import { LiveConnection } from "../../../../lib/live/connection";
import { useEvent } from "../../../../lib/live/hooks";
import { OddsStore } from "../../../../lib/live/odds-store";
import type { BetView, OddsSnapshot } from "../../../../lib/protocol";
import { useBettorPanels } from "../../bettor";
import { LiveStatus } from "../../live-status";
import { useOddsFormat } from "../../odds-format";
import { relayAddress } from "../../relay-address";
import { ChatPanel } from "./chat-panel";

export interface EventViewProps {
  sport: string;
  eventId: string;
  initialSnapshot: OddsSnapshot | null;
  initialAccount: Account | null;
  initialBets: BetView[];
  relay: { url: string | null; port: number };
  problem: string | null;
}

/** One event's page: every market live, every bookmaker's price, price history, and the event's chat. */
export function EventView({ sport, eventId, initialSnapshot, initialAccount, initialBets, relay, problem }: EventViewProps) {
  const [store] = useState(() => {
    const created = new OddsStore();
    if (initialSnapshot) created.applySnapshot(initialSnapshot);
    return created;
  });
  const [account] = useState(() => {
    const created = new AccountStore();
    created.set(initialAccount, initialBets);
    return created;
  });
  const [connection, setConnection] = useState<LiveConnection | null>(null);
  const [format] = useOddsFormat();
  const bettor = useBettorPanels(connection, account, store, format);
  const refreshToken = useRef(bettor.refreshToken);
  refreshToken.current = bettor.refreshToken;
  const event = useEvent(store, sport, eventId);

  useEffect(() => {
    const live = new LiveConnection(relayAddress(relay), store, { account, onTokenExpired: () => refreshToken.current() });
    live.followEvent(sport, eventId);
    live.connect();
    setConnection(live);
    return () => live.close();
  }, [relay.url, relay.port, store, account, sport, eventId]);

  return (
    <main className="board event-page">
      <header className="board-header">
        <Link href={`/sports?sport=${encodeURIComponent(sport)}`} className="back">
          ← All {sport.replace(/_/g, " ")}
        </Link>
        <LiveStatus connection={connection} />
        {bettor.bar}
      </header>
      {problem && <p className="notice problem">{problem}</p>}
      <h1 className="event-title">{event ? event.title : "Event"}</h1>
      <ChatPanel eventId={eventId} connection={connection} account={account} onSignIn={(reason) => bettor.signIn(reason)} />
      {bettor.panels}
    </main>
  );
}

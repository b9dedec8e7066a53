"use client";

import { useEffect, useRef, useState } from "react";
import type { InPlayDelays } from "@/lib/bets/in-play-delay";
import { type Account, AccountStore } from "@/lib/live/account-store";
import { LiveConnection } from "@/lib/live/connection";
import { type FlushMode, OddsStore } from "@/lib/live/odds-store";
import type { OddsFormat } from "@/lib/odds";
import type { BetView, OddsSnapshot, SportsSummary } from "@/lib/protocol";
import { useBettorPanels } from "./bettor";
import { useOddsFormat } from "./odds-format";
import { type RelayLocation, relayAddress } from "./relay-address";

export interface LivePageOptions {
  initialSnapshot: OddsSnapshot | null;
  initialSummary?: SportsSummary | null;
  /** The signed-in bettor and their bets when the page was rendered (null: signed out). */
  initialAccount: Account | null;
  initialBets: BetView[];
  /** The configured public URL of the relay, else its port on the page's own host. */
  relay: RelayLocation;
  /** How long in-play bets wait, by sport (the server's configuration), for the bet slip. */
  delays: InPlayDelays;
  /**
   * What the connection follows from the start (called before it connects). The connection is made
   * again when `followKey` changes.
   */
  follow?: (live: LiveConnection) => void;
  followKey?: string;
  /** How the store flushes, read once when it is made (`?flush=sync` for the bench's unbatched baseline, see OddsStore). */
  flush?: () => FlushMode;
}

export interface LivePage {
  store: OddsStore;
  account: AccountStore;
  /** Null until the page is mounted (the server render has none). */
  connection: LiveConnection | null;
  format: OddsFormat;
  setFormat: (format: OddsFormat) => void;
  bettor: Omit<ReturnType<typeof useBettorPanels>, "refreshToken">;
}

/**
 * What every live page holds: the odds store filled from the server's snapshot, the bettor's
 * account, one relay connection (refreshing its token through the bettor panels), the odds format,
 * and the bettor's bar, slip and dialogs.
 */
export function useLivePage({
  initialSnapshot,
  initialSummary,
  initialAccount,
  initialBets,
  relay,
  delays,
  follow,
  followKey = "",
  flush,
}: LivePageOptions): LivePage {
  const [store] = useState(() => {
    const created = new OddsStore({ flush: flush?.() });
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
  const [format, setFormat] = useOddsFormat();
  const bettor = useBettorPanels(connection, account, store, format, delays);
  const refreshToken = useRef(bettor.refreshToken);
  refreshToken.current = bettor.refreshToken;
  const followRef = useRef(follow);
  followRef.current = follow;

  // One connection per relay address and follow key: `relay` is a new object on every render, and
  // `followKey` says when the caller's follow function (read through a ref) wants a new connection.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the dependencies above are chosen on purpose.
  useEffect(() => {
    const live = new LiveConnection(relayAddress(relay), store, { account, onTokenExpired: () => refreshToken.current() });
    followRef.current?.(live);
    live.connect();
    setConnection(live);
    return () => live.close();
  }, [relay.url, relay.port, store, account, followKey]);

  return { store, account, connection, format, setFormat, bettor };
}

"use client";

import { useEffect, useRef } from "react";
import type { AccountStore } from "@/lib/live/account-store";
import type { LiveConnection } from "@/lib/live/connection";
import { useAccount } from "@/lib/live/hooks";
import { RelayTokens } from "@/lib/live/relay-tokens";
import { fetchAccount, fetchBets, fetchRelayToken } from "./api";

/**
 * Ties the signed-in bettor to the live connection: while signed in, the connection carries a
 * fresh relay token (so it receives this bettor's `user:update`s); after a reconnect, the account
 * and bets are read again, since updates sent while offline were missed.
 */
export function useBettor(connection: LiveConnection | null, account: AccountStore): { refreshToken: () => void } {
  const signedIn = useAccount(account).account !== null;
  const tokens = useRef<RelayTokens | null>(null);

  useEffect(() => {
    if (!connection || !signedIn) return;
    // Once the relay has the token, read the account again: updates sent before it did were missed.
    const current = new RelayTokens(fetchRelayToken, (token) => {
      void connection.setToken(token).then((taken) => {
        if (taken && token) return reload(account);
      });
    });
    tokens.current = current;
    current.start();
    const offReconnect = connection.onReconnect(() => void reload(account));
    return () => {
      offReconnect();
      current.stop();
      tokens.current = null;
    };
  }, [connection, signedIn, account]);

  return { refreshToken: () => void tokens.current?.refresh() };
}

/** Reads the account and its bets again (after a reconnect, or a sign-in). */
export async function reload(account: AccountStore): Promise<void> {
  const [me, bets] = await Promise.all([fetchAccount(), fetchBets()]);
  if (!me.ok && me.status === 401) return account.set(null);
  if (me.ok) account.set(me.value, bets.ok ? bets.value.bets : account.current().bets);
}

"use client";

import { type ReactNode, useCallback, useRef, useState } from "react";
import type { InPlayDelays } from "@/lib/bets/in-play-delay";
import type { Account, AccountStore } from "@/lib/live/account-store";
import type { LiveConnection } from "@/lib/live/connection";
import { useAccount, usePersonal } from "@/lib/live/hooks";
import type { OddsStore } from "@/lib/live/odds-store";
import type { OddsFormat } from "@/lib/odds";
import { AccountBar } from "./account-bar";
import { signOut } from "./api";
import { AuthDialog } from "./auth-dialog";
import { BetSlip, type Selection } from "./bet-slip";
import type { Pick } from "./event-row";
import { LimitsPanel } from "./limits-panel";
import { MyBets } from "./my-bets";
import { RealityCheck } from "./reality-check";
import { reload, useBettor } from "./use-bettor";
import { useLimits } from "./use-limits";

/**
 * Everything the bettor does on the board: the account bar for the header, the sign-in dialog,
 * the bet slip a price click opens (after signing in, when signed out), "my bets", the limits the
 * bettor sets for themself and the reality check they chose.
 */
export function useBettorPanels(
  connection: LiveConnection | null,
  account: AccountStore,
  store: OddsStore,
  format: OddsFormat,
  delays: InPlayDelays,
): { onPick: Pick; bar: ReactNode; panels: ReactNode; refreshToken: () => void; signIn: (reason: string | null) => void } {
  const state = useAccount(account);
  const personal = usePersonal(connection);
  const { refreshToken } = useBettor(connection, account);
  const [dialog, setDialog] = useState<{ reason: string | null } | null>(null);
  const [selection, setSelection] = useState<Selection | null>(null);
  const [showBets, setShowBets] = useState(false);
  const [showLimits, setShowLimits] = useState(false);
  const limits = useLimits(state.account !== null);
  const waiting = useRef<Selection | null>(null);
  const signedIn = useRef(false);
  signedIn.current = state.account !== null;

  const onPick = useCallback((picked: Selection) => {
    if (signedIn.current) return setSelection(picked);
    waiting.current = picked;
    setDialog({ reason: "Sign in to place a bet." });
  }, []);

  const signedInAs = (me: Account) => {
    account.set(me);
    void reload(account);
    setDialog(null);
    if (waiting.current) setSelection(waiting.current);
    waiting.current = null;
  };
  const leave = async () => {
    await signOut();
    account.set(null);
    setSelection(null);
    setShowBets(false);
    setShowLimits(false);
  };

  /** Shows or hides the limits; shown, they are read again (what was staked has moved since). */
  const openLimits = (show: boolean) => {
    if (show) void limits.reload();
    setShowLimits(show);
  };
  const bar = (
    <AccountBar
      state={state}
      personal={personal}
      onSignIn={() => setDialog({ reason: null })}
      onSignOut={() => void leave()}
      onBets={() => setShowBets(!showBets)}
      onLimits={() => openLimits(!showLimits)}
      blockedUntil={limits.limits?.block?.until ?? null}
    />
  );
  const panels = (
    <>
      {dialog && <AuthDialog reason={dialog.reason} onDone={signedInAs} onClose={() => setDialog(null)} />}
      {selection && state.account && (
        <BetSlip
          key={`${selection.eventId}/${selection.market}/${selection.outcome}`}
          selection={selection}
          store={store}
          account={account}
          format={format}
          delays={delays}
          onClose={() => setSelection(null)}
        />
      )}
      {showBets && state.account && <MyBets bets={state.bets} onClose={() => setShowBets(false)} />}
      {showLimits && state.account && <LimitsPanel limits={limits.limits} onChange={limits.change} onClose={() => setShowLimits(false)} />}
      {state.account && <RealityCheck limits={limits.limits} reload={limits.reload} onSignOut={() => void leave()} onLimits={() => openLimits(true)} />}
    </>
  );
  const signIn = useCallback((reason: string | null) => setDialog({ reason }), []);
  return { onPick, bar, panels, refreshToken, signIn };
}

"use client";

import type { AccountState } from "@/lib/live/account-store";
import { money } from "./selection-label";

/** The bettor in the header: balance and open bets (live), or the way to sign in. */
export function AccountBar({
  state,
  personal,
  onSignIn,
  onSignOut,
  onBets,
}: {
  state: AccountState;
  personal: boolean;
  onSignIn: () => void;
  onSignOut: () => void;
  onBets: () => void;
}) {
  if (!state.account) {
    return (
      <div className="account-bar">
        <button type="button" className="primary" onClick={onSignIn}>
          Sign in
        </button>
      </div>
    );
  }
  const open = state.bets.filter((bet) => bet.status === "open").length;
  return (
    <div
      className="account-bar"
      data-signed-in={state.account.email}
      data-personal={personal ? "live" : "off"}
      title={personal ? "Your bets and balance update live" : "Connecting your live updates…"}
    >
      <span className="email">{state.account.email}</span>
      <span className="balance" data-balance={state.account.balance}>
        {money.format(state.account.balance)}
      </span>
      <button type="button" onClick={onBets} data-open-bets={open}>
        My bets{open > 0 ? ` (${open})` : ""}
      </button>
      <button type="button" className="link" onClick={onSignOut}>
        Sign out
      </button>
    </div>
  );
}

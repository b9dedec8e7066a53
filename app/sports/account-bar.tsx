"use client";

import type { AccountState } from "@/lib/live/account-store";
import { money } from "./selection-label";

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

/** The bettor in the header: balance and open bets (live), their limits, or the way to sign in. */
export function AccountBar({
  state,
  personal,
  onSignIn,
  onSignOut,
  onBets,
  onLimits,
  blockedUntil,
}: {
  state: AccountState;
  personal: boolean;
  onSignIn: () => void;
  onSignOut: () => void;
  onBets: () => void;
  onLimits: () => void;
  /** The end of the bettor's time-out or self-exclusion (ISO 8601), while one holds. */
  blockedUntil: string | null;
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
      <button type="button" onClick={onLimits} data-blocked-until={blockedUntil ?? undefined}>
        {blockedUntil ? `No bets until ${dateTime.format(new Date(blockedUntil))}` : "Limits"}
      </button>
      <button type="button" className="link" onClick={onSignOut}>
        Sign out
      </button>
    </div>
  );
}

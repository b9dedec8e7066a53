"use client";

import { useEffect, useRef, useState } from "react";
import type { AccountStore } from "@/lib/live/account-store";
import { useEvent } from "@/lib/live/hooks";
import type { OddsStore } from "@/lib/live/odds-store";
import { type OddsFormat, formatOdds } from "@/lib/odds";
import { type InPlayDelays, inPlayDelayMs, isInPlay } from "@/lib/bets/in-play-delay";
import { ACCEPT_RULES, type AcceptRule, type BetRequest } from "@/lib/bets/request";
import { type BetView, potentialReturn } from "@/lib/protocol";
import { placeBet } from "./api";
import { SelectionLabel, money } from "./selection-label";
import { countdownText, delayNotice, refusalText } from "./slip-text";
import { Panel } from "./panel";

/** What the bettor clicked: one outcome of one market of one event. */
export interface Selection {
  sport: string;
  eventId: string;
  market: string;
  outcome: string;
}

type SlipState =
  | { kind: "ready" }
  /** `acceptsAt`: when an in-play bet's delay ends (Date.now() ms), null before the start. */
  | { kind: "placing"; acceptsAt: number | null }
  | { kind: "placed"; bet: BetView; delayedMs: number }
  | { kind: "refused"; message: string; retry: boolean };

const ACCEPT_LABELS: Record<AcceptRule, string> = { exact: "Only this price", better: "This price or better", any: "Any price" };

/**
 * The bet slip: the selection with its live price (it moves while the slip is open), a stake, the
 * potential return, how to take a moved price, and the answer in words. On an event in play it
 * says beforehand how long the bet waits (the server's `delays`), and counts down while it does.
 * Each attempt has its own Idempotency-Key; retrying after a network failure resends that attempt
 * unchanged (key and body), so a bet is never placed twice.
 */
export function BetSlip({
  selection,
  store,
  account,
  format,
  delays,
  onClose,
}: {
  selection: Selection;
  store: OddsStore;
  account: AccountStore;
  format: OddsFormat;
  delays: InPlayDelays;
  onClose: () => void;
}) {
  const event = useEvent(store, selection.sport, selection.eventId);
  const market = event?.markets[selection.market];
  const odds = market?.outcomes[selection.outcome];
  const [stake, setStake] = useState("10");
  const [accept, setAccept] = useState<AcceptRule>("better");
  const open = event?.status === "active" && market?.status === "open" && odds !== undefined;
  const delayMs = event && isInPlay(event, Date.now()) ? inPlayDelayMs(delays, selection.sport) : 0;
  const amount = Number(stake);
  const potential = odds && amount > 0 ? potentialReturn(amount, odds.price) : 0;
  const { state, place, changed } = useBetAttempt(account, format);
  const submit = () => {
    if (odds)
      void place({ eventId: selection.eventId, market: selection.market, outcome: selection.outcome, stake: amount, price: odds.price, accept }, delayMs);
  };

  return (
    <Panel title="Bet slip" className="bet-slip" onClose={onClose} data-selection={`${selection.eventId}/${selection.market}/${selection.outcome}`}>
      {!event || !odds ? (
        <p className="empty">This selection is no longer on the board.</p>
      ) : (
        <>
          <div className="selection">
            <SelectionLabel name={odds.name} point={odds.point} market={selection.market} event={event.title} />
          </div>
          <div className="slip-price" data-price={odds.price}>
            {formatOdds(odds.price, format)}
            {!open && <span className="badge suspended">Suspended</span>}
          </div>
          <label>
            Stake
            <input
              name="stake"
              inputMode="decimal"
              value={stake}
              disabled={state.kind === "placing"}
              onChange={(e) => {
                setStake(e.target.value);
                changed();
              }}
            />
          </label>
          <label>
            If the price moves
            <select
              name="accept"
              value={accept}
              disabled={state.kind === "placing"}
              onChange={(e) => {
                setAccept(e.target.value as AcceptRule);
                changed();
              }}
            >
              {ACCEPT_RULES.map((key) => (
                <option key={key} value={key}>
                  {ACCEPT_LABELS[key]}
                </option>
              ))}
            </select>
          </label>
          <p className="potential">Potential return {money.format(potential)}</p>
          {delayMs > 0 && state.kind !== "placing" && (
            <p className="slip-delay" data-delay-ms={delayMs}>
              {delayNotice(delayMs)}
            </p>
          )}
          <button type="button" className="primary place" disabled={!open || !(amount > 0) || state.kind === "placing"} onClick={submit}>
            {state.kind === "placing" ? "Placing…" : state.kind === "refused" && state.retry ? "Try again" : "Place bet"}
          </button>
          <SlipAnswer state={state} />
        </>
      )}
    </Panel>
  );
}

/**
 * One bet's attempts and what the slip says about them. An attempt whose answer never came (a
 * network failure) is retried as it was, same key and body, so the server can recognise it and
 * never place it twice; changing the stake or the rule starts a new attempt.
 */
function useBetAttempt(account: AccountStore, format: OddsFormat) {
  const [state, setState] = useState<SlipState>({ kind: "ready" });
  const pending = useRef<{ key: string; body: BetRequest } | null>(null);
  const changed = () => {
    pending.current = null;
    setState({ kind: "ready" });
  };
  const place = async (body: BetRequest, delayMs: number) => {
    pending.current ??= { key: crypto.randomUUID(), body };
    setState({ kind: "placing", acceptsAt: delayMs > 0 ? Date.now() + delayMs : null });
    const answer = await placeBet(pending.current.body, pending.current.key);
    const definitive = answer.ok || (answer.status >= 400 && answer.status < 500);
    if (definitive) pending.current = null;
    if (answer.ok) {
      const me = account.current().account;
      if (me)
        account.apply({
          kind: "bet_accepted",
          userId: me.id,
          bet: answer.value.bet,
          balance: answer.value.balance,
          balanceEntry: answer.value.balanceEntry,
          ts: Date.now(),
        });
      return setState({ kind: "placed", bet: answer.value.bet, delayedMs: answer.value.delayedMs });
    }
    setState({ kind: "refused", message: refusalText(answer, format), retry: !definitive });
  };
  return { state, place, changed };
}

function SlipAnswer({ state }: { state: SlipState }) {
  if (state.kind === "placing" && state.acceptsAt !== null) return <Countdown until={state.acceptsAt} />;
  if (state.kind === "placed") {
    return (
      <p className="slip-answer placed" role="status" data-bet-id={state.bet.id}>
        Bet placed: {money.format(state.bet.stake)} at {state.bet.price.toFixed(2)}, returns {money.format(state.bet.potentialReturn)}
        {state.delayedMs > 0 ? `, after a ${Math.round(state.delayedMs / 100) / 10} s in-play delay.` : "."}
      </p>
    );
  }
  if (state.kind === "refused") {
    return (
      <p className="slip-answer refused" role="alert">
        {state.message}
      </p>
    );
  }
  return null;
}

/** The seconds left of an in-play bet's delay, counted on this page's clock from the click. */
function Countdown({ until }: { until: number }) {
  const [, tick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => tick((n) => n + 1), 250);
    return () => clearInterval(timer);
  }, []);
  return (
    <p className="slip-answer waiting" role="status" data-countdown="">
      {countdownText(until - Date.now())}
    </p>
  );
}

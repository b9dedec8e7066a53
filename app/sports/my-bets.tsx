"use client";

import type { BetView } from "@/lib/protocol";
import { SelectionLabel, money } from "./selection-label";

const RESULT: Record<BetView["status"], string> = { open: "Open", won: "Won", lost: "Lost", void: "Void" };

/** The bettor's bets, newest first, updating live as they are placed and settled. */
export function MyBets({ bets, onClose }: { bets: BetView[]; onClose: () => void }) {
  return (
    <aside className="panel my-bets" aria-label="My bets">
      <header>
        <h2>My bets</h2>
        <button type="button" className="link" onClick={onClose}>
          Close
        </button>
      </header>
      {bets.length === 0 && <p className="empty">No bets yet. Click a price to start.</p>}
      <ul>
        {bets.map((bet) => (
          <li key={bet.id} className={`bet ${bet.status}`} data-bet-id={bet.id} data-status={bet.status}>
            <div className="what">
              <SelectionLabel name={bet.selection} point={bet.point} market={bet.market} event={bet.event} />
            </div>
            <div className="numbers">
              <span>
                {money.format(bet.stake)} @ {bet.price.toFixed(2)}
              </span>
              <span className="result">
                {RESULT[bet.status]}
                {bet.status === "open" ? ` · returns ${money.format(bet.potentialReturn)}` : bet.payout !== null ? ` · paid ${money.format(bet.payout)}` : ""}
                {bet.voidReason ? ` (${bet.voidReason})` : ""}
              </span>
            </div>
          </li>
        ))}
      </ul>
    </aside>
  );
}

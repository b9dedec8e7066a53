"use client";

import { useState } from "react";
import type { BetView } from "@/lib/protocol";
import { Panel } from "./panel";
import { SelectionLabel, money } from "./selection-label";

const RESULT: Record<BetView["status"], string> = { open: "Open", won: "Won", lost: "Lost", void: "Void" };

const FILTERS = { open: "Open", settled: "Settled", all: "All" } as const;
type Filter = keyof typeof FILTERS;

const shows = (filter: Filter, bet: BetView) => filter === "all" || (filter === "open") === (bet.status === "open");

/**
 * The bettor's bets, newest first, updating live as they are placed and settled: open ones,
 * settled ones or all, and the whole history as a CSV download (GET /api/bets/export).
 */
export function MyBets({ bets, onClose }: { bets: BetView[]; onClose: () => void }) {
  const [filter, setFilter] = useState<Filter>("open");
  const shown = bets.filter((bet) => shows(filter, bet));
  return (
    <Panel title="My bets" className="my-bets" onClose={onClose}>
      <div className="bet-filters" role="tablist" aria-label="Which bets">
        {(Object.keys(FILTERS) as Filter[]).map((key) => (
          <button
            key={key}
            type="button"
            role="tab"
            aria-selected={filter === key}
            data-filter={key}
            className={filter === key ? "selected" : undefined}
            onClick={() => setFilter(key)}
          >
            {FILTERS[key]} ({bets.filter((bet) => shows(key, bet)).length})
          </button>
        ))}
        <a className="link export" href="/api/bets/export" download>
          Download CSV
        </a>
      </div>
      {shown.length === 0 && (
        <p className="empty">{bets.length === 0 ? "No bets yet. Click a price to start." : `No ${FILTERS[filter].toLowerCase()} bets.`}</p>
      )}
      <ul>
        {shown.map((bet) => (
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
    </Panel>
  );
}

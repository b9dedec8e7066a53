"use client";

import { useState } from "react";
import { setEventStatus, setMarketStatus } from "./admin-api";
import type { BoardStatus } from "../../lib/protocol/admin";
import { type BoardEvent, type BoardMarket, withMarket } from "./board-state";

/** What a button asks for: the other status. */
const flip = (status: BoardStatus): BoardStatus => (status === "open" ? "suspended" : "open");
const LABEL: Record<BoardStatus, string> = { open: "Open", suspended: "Suspended" };

/**
 * The events on the board, each with its markets, their current status and a Suspend or Reopen
 * button (`POST /api/admin/{events,markets}/{id}/status`); a market the feed suspended has both
 * (Suspend takes it over from the feed). A button is disabled while its request is in flight; the
 * answer shows under the list. Statuses follow the answers and the admin events (`applyToBoard`),
 * so another admin's change shows here too.
 */
export function BoardControls({ events, onChange }: { events: BoardEvent[]; onChange: (update: (events: BoardEvent[]) => BoardEvent[]) => void }) {
  const [filter, setFilter] = useState("");
  const [inFlight, setInFlight] = useState<ReadonlySet<string>>(new Set());
  const [answer, setAnswer] = useState<{ ok: boolean; text: string } | null>(null);
  const needle = filter.trim().toLowerCase();
  const shown = needle ? events.filter((e) => `${e.title} ${e.league} ${e.sport ?? ""}`.toLowerCase().includes(needle)) : events;

  const busy = (id: string, on: boolean) => setInFlight((ids) => (on ? new Set(ids).add(id) : new Set([...ids].filter((other) => other !== id))));

  const act = async (target: { kind: "event"; event: BoardEvent } | { kind: "market"; event: BoardEvent; market: BoardMarket }, wanted: BoardStatus) => {
    const id = target.kind === "event" ? target.event.id : target.market.id;
    const name = target.kind === "event" ? target.event.title : `${marketName(target.market)} of ${target.event.title}`;
    busy(id, true);
    const result = target.kind === "event" ? await setEventStatus(id, wanted) : await setMarketStatus(id, wanted);
    busy(id, false);
    if (!result.ok) return setAnswer({ ok: false, text: `${name}: ${result.message}` });
    const { status, changed } = result.value;
    onChange((list) => (target.kind === "event" ? list.map((e) => (e.id === id ? { ...e, status } : e)) : withMarket(list, id, status)));
    setAnswer({ ok: true, text: `${name}: ${changed ? (status === "open" ? "reopened" : "suspended") : `already ${status}`}.` });
  };

  return (
    <section className="admin-panel board-controls" aria-label="Suspend or reopen">
      <h2>Suspend or reopen</h2>
      {events.length === 0 ? (
        <p className="muted">No event is on the board.</p>
      ) : (
        <>
          <div className="admin-controls">
            <label>
              Find
              <input name="board-filter" type="search" placeholder="team, league or sport" value={filter} onChange={(e) => setFilter(e.target.value)} />
            </label>
          </div>
          <ul className="board-events" data-testid="board-events">
            {shown.map((event) => (
              <li key={event.id} data-event-id={event.id} data-status={event.status}>
                <div className="board-row">
                  <span className={`status-badge ${event.status}`}>{LABEL[event.status]}</span>
                  <span className="board-name">
                    {event.live ? "LIVE · " : ""}
                    {event.title} <span className="muted">· {event.league} · {event.startsAt.slice(0, 16).replace("T", " ")} UTC</span>
                  </span>
                  <StatusButton wanted={flip(event.status)} disabled={inFlight.has(event.id)} onClick={(wanted) => void act({ kind: "event", event }, wanted)} what="event" />
                </div>
                <ul className="board-markets">
                  {event.markets.map((market) => (
                    <li key={market.id} data-market-id={market.id} data-market-key={market.key} data-status={market.status}>
                      <span className={`status-badge ${market.status}`} title={market.byFeed ? "The odds feed suspended it (bet stop) and reopens it once it has fresh prices; Suspend keeps it suspended until an admin reopens it" : undefined}>
                        {market.byFeed ? "Feed stop" : LABEL[market.status]}
                      </span>
                      <span className="board-name">{marketName(market)}</span>
                      {market.byFeed && <StatusButton wanted="suspended" disabled={inFlight.has(market.id)} onClick={(wanted) => void act({ kind: "market", event, market }, wanted)} what="market" />}
                      <StatusButton wanted={flip(market.status)} disabled={inFlight.has(market.id)} onClick={(wanted) => void act({ kind: "market", event, market }, wanted)} what="market" />
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </>
      )}
      {answer && (
        <p className={answer.ok ? "hint" : "form-error"} role="status">
          {answer.text}
        </p>
      )}
    </section>
  );
}

/** Suspend (`wanted` suspended) or Reopen (`wanted` open). */
function StatusButton({ wanted, disabled, onClick, what }: { wanted: BoardStatus; disabled: boolean; onClick: (wanted: BoardStatus) => void; what: "event" | "market" }) {
  const suspend = wanted === "suspended";
  return (
    <button type="button" className={suspend ? "danger" : ""} disabled={disabled} onClick={() => onClick(wanted)} aria-label={`${suspend ? "Suspend" : "Reopen"} ${what}`}>
      {suspend ? "Suspend" : "Reopen"}
    </button>
  );
}

function marketName(market: BoardMarket): string {
  return market.line === null ? market.key : `${market.key} ${market.line}`;
}

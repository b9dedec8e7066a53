"use client";

import { memo, useCallback, useMemo, useState } from "react";
import type { BoardStatus, BoardStatusAnswer } from "@/lib/protocol/admin";
import type { BoardEvent, BoardMarket } from "@/lib/protocol/admin-board";
import { setEventStatus, setMarketStatus } from "./admin-api";
import type { BoardTarget } from "./board-state";

/** What a button asks for: the other status. */
const flip = (status: BoardStatus): BoardStatus => (status === "open" ? "suspended" : "open");
const LABEL: Record<BoardStatus, string> = { open: "Open", suspended: "Suspended" };

/** A button's request: the target, as shown when it was clicked, and the status wanted. */
type Act = (target: { event: BoardEvent; market: BoardMarket | null }, wanted: BoardStatus) => void;

/**
 * The events on the board, each with its markets, their current status and a Suspend or Reopen
 * button (`POST /api/admin/{events,markets}/{id}/status`); a market the feed suspended has both
 * (Suspend takes it over from the feed). A button is disabled while its own request is in flight;
 * the answer shows under the list. Statuses are the console's `useBoard` list: the answers go
 * there (`onAnswer`), where they are ordered with the admin events by their audit entries.
 */
export const BoardControls = memo(function BoardControls({
  events,
  onAnswer,
}: {
  events: BoardEvent[];
  onAnswer: (target: BoardTarget, answer: BoardStatusAnswer, shownAtClick: string | null) => void;
}) {
  const [filter, setFilter] = useState("");
  const [inFlight, setInFlight] = useState<ReadonlySet<string>>(new Set());
  const [answer, setAnswer] = useState<{ ok: boolean; text: string } | null>(null);
  const needle = filter.trim().toLowerCase();
  const shown = useMemo(
    () => (needle ? events.filter((e) => `${e.title} ${e.league} ${e.sport ?? ""}`.toLowerCase().includes(needle)) : events),
    [events, needle],
  );

  const act = useCallback<Act>(
    async ({ event, market }, wanted) => {
      const target: BoardTarget = market ? { kind: "market", id: market.id } : { kind: "event", id: event.id };
      const name = market ? `${marketName(market)} of ${event.title}` : event.title;
      const shownAtClick = market ? market.auditId : event.auditId;
      setInFlight((ids) => new Set(ids).add(target.id));
      const result = market ? await setMarketStatus(target.id, wanted) : await setEventStatus(target.id, wanted);
      setInFlight((ids) => new Set([...ids].filter((id) => id !== target.id)));
      if (!result.ok) return setAnswer({ ok: false, text: `${name}: ${result.message}` });
      onAnswer(target, result.value, shownAtClick);
      const { status, changed } = result.value;
      setAnswer({ ok: true, text: `${name}: ${changed ? (status === "open" ? "reopened" : "suspended") : `already ${status}`}.` });
    },
    [onAnswer],
  );

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
              <BoardEventRow key={event.id} event={event} inFlight={inFlight} act={act} />
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
});

/** One event with its status and button, and each of its markets with theirs. */
const BoardEventRow = memo(function BoardEventRow({ event, inFlight, act }: { event: BoardEvent; inFlight: ReadonlySet<string>; act: Act }) {
  return (
    <li data-event-id={event.id} data-status={event.status}>
      <div className="board-row">
        <span className={`status-badge ${event.status}`}>{LABEL[event.status]}</span>
        <span className="board-name">
          {event.live ? "LIVE · " : ""}
          {event.title}{" "}
          <span className="muted">
            · {event.league} · {event.startsAt.slice(0, 16).replace("T", " ")} UTC
          </span>
        </span>
        <StatusButton wanted={flip(event.status)} disabled={inFlight.has(event.id)} onClick={(wanted) => act({ event, market: null }, wanted)} what="event" />
      </div>
      <ul className="board-markets">
        {event.markets.map((market) => (
          <li key={market.id} data-market-id={market.id} data-market-key={market.key} data-status={market.status} data-by-feed={market.byFeed}>
            <span
              className={`status-badge ${market.status}`}
              title={
                market.byFeed
                  ? "The odds feed suspended it (bet stop) and reopens it once it has fresh prices; Suspend keeps it suspended until an admin reopens it"
                  : undefined
              }
            >
              {market.byFeed ? "Feed stop" : LABEL[market.status]}
            </span>
            <span className="board-name">{marketName(market)}</span>
            {market.byFeed && (
              <StatusButton wanted="suspended" disabled={inFlight.has(market.id)} onClick={(wanted) => act({ event, market }, wanted)} what="market" />
            )}
            <StatusButton wanted={flip(market.status)} disabled={inFlight.has(market.id)} onClick={(wanted) => act({ event, market }, wanted)} what="market" />
          </li>
        ))}
      </ul>
    </li>
  );
});

/** Suspend (`wanted` suspended) or Reopen (`wanted` open). */
function StatusButton({
  wanted,
  disabled,
  onClick,
  what,
}: {
  wanted: BoardStatus;
  disabled: boolean;
  onClick: (wanted: BoardStatus) => void;
  what: "event" | "market";
}) {
  const suspend = wanted === "suspended";
  return (
    <button
      type="button"
      className={suspend ? "danger" : ""}
      disabled={disabled}
      onClick={() => onClick(wanted)}
      aria-label={`${suspend ? "Suspend" : "Reopen"} ${what}`}
    >
      {suspend ? "Suspend" : "Reopen"}
    </button>
  );
}

function marketName(market: BoardMarket): string {
  return market.line === null ? market.key : `${market.key} ${market.line}`;
}

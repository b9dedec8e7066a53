"use client";

import { useWindowVirtualizer } from "@tanstack/react-virtual";
import { useMemo, useRef } from "react";
import { useLeagueGroups } from "@/lib/live/hooks";
import type { LeagueGroup, OddsStore } from "@/lib/live/odds-store";
import type { OddsFormat } from "@/lib/odds";
import { EventRow, type Pick } from "./event-row";
import { useHydrated } from "./time";

/**
 * A sport's events by league. Up to VIRTUAL_ABOVE events it renders every row, as it always did.
 * Above that only the rows near the viewport are in the DOM (the window scrolls, so the
 * virtualiser follows the window), and a price move on an off-screen event renders nothing.
 */

/** More events than any fixture or demo sport has (twelve), so those boards are never virtual. */
export const VIRTUAL_ABOVE = 100;
/** Rows the server renders (and hydration matches) before the virtualiser, which needs a window, takes over. */
export const FIRST_PAGE = 40;

interface ListProps {
  store: OddsStore;
  sport: string;
  format: OddsFormat;
  onPick: Pick;
}

export function EventList({ store, sport, format, onPick }: ListProps) {
  const groups = useLeagueGroups(store, sport);
  const hydrated = useHydrated();
  if (!groups) return <p className="empty">Loading prices…</p>;
  if (groups.length === 0) return <p className="empty">No events on the board for this sport right now.</p>;
  const total = groups.reduce((n, group) => n + group.ids.length, 0);
  if (total <= VIRTUAL_ABOVE || (hydrated && virtualOff())) return <PlainList groups={groups} {...{ store, sport, format, onPick }} />;
  if (!hydrated) return <PlainList groups={firstRows(groups, FIRST_PAGE)} {...{ store, sport, format, onPick }} />;
  return <VirtualList groups={groups} {...{ store, sport, format, onPick }} />;
}

function PlainList({ groups, store, sport, format, onPick }: ListProps & { groups: LeagueGroup[] }) {
  return (
    <div className="events" data-sport={sport}>
      {groups.map((group) => (
        <section key={group.league} className="league">
          <LeagueHeader league={group.league} />
          {group.ids.map((id) => (
            <EventRow key={id} store={store} sport={sport} id={id} format={format} onPick={onPick} />
          ))}
        </section>
      ))}
    </div>
  );
}

function LeagueHeader({ league }: { league: string }) {
  return (
    <div className="league-header">
      <h2>{league}</h2>
      <span className="col">1 · X · 2</span>
      <span className="col">Spread</span>
      <span className="col">Total</span>
    </div>
  );
}

type Item = { kind: "league"; league: string } | { kind: "event"; id: string };

/** League headers and rows as one flat list the virtualiser can window; heights are measured. */
function VirtualList({ groups, store, sport, format, onPick }: ListProps & { groups: LeagueGroup[] }) {
  const items = useMemo(
    () => groups.flatMap((g): Item[] => [{ kind: "league", league: g.league }, ...g.ids.map((id): Item => ({ kind: "event", id }))]),
    [groups],
  );
  const list = useRef<HTMLDivElement>(null);
  const virtualizer = useWindowVirtualizer({
    count: items.length,
    estimateSize: (i) => (items[i]?.kind === "league" ? 38 : 58),
    overscan: 8,
    scrollMargin: list.current?.offsetTop ?? 0,
    getItemKey: (i) => {
      const item = items[i];
      return item?.kind === "event" ? item.id : `league:${item?.league ?? i}`;
    },
  });
  return (
    <div ref={list} className="events virtual" data-sport={sport} style={{ height: virtualizer.getTotalSize() }}>
      {virtualizer.getVirtualItems().map((row) => {
        const item = items[row.index];
        if (!item) return null;
        return (
          <div
            key={row.key}
            ref={virtualizer.measureElement}
            data-index={row.index}
            className="virtual-item"
            data-kind={item.kind}
            style={{ transform: `translateY(${row.start - virtualizer.options.scrollMargin}px)` }}
          >
            {item.kind === "league" ? (
              <LeagueHeader league={item.league} />
            ) : (
              <EventRow store={store} sport={sport} id={item.id} format={format} onPick={onPick} />
            )}
          </div>
        );
      })}
    </div>
  );
}

/** `?virtual=off` renders every row of a long board too: bench/page.ts's baseline for the windowing. */
function virtualOff(): boolean {
  return new URLSearchParams(window.location.search).get("virtual") === "off";
}

/** The first `limit` rows, league by league: what the server renders of a long board. */
function firstRows(groups: LeagueGroup[], limit: number): LeagueGroup[] {
  const out: LeagueGroup[] = [];
  let left = limit;
  for (const group of groups) {
    if (left <= 0) break;
    out.push({ league: group.league, ids: group.ids.slice(0, left) });
    left -= group.ids.length;
  }
  return out;
}

"use client";

import { useMemo } from "react";
import { useSportsSummary } from "@/lib/live/hooks";
import type { OddsStore } from "@/lib/live/odds-store";
import type { SportListing } from "@/lib/protocol";

/**
 * One tab per sport with its event count and a dot while events are in play. The counts follow
 * the board live (`sports:summary`), for every sport, not only the ones this page holds; until a
 * summary arrives they are the server-rendered ones.
 */
export function SportTabs({
  sports,
  store,
  selected,
  onChoose,
}: {
  sports: SportListing[];
  store: OddsStore;
  selected: string | null;
  onChoose: (sport: string) => void;
}) {
  const summary = useSportsSummary(store);
  const counts = useMemo(() => new Map(summary?.sports.map((count) => [count.sport, count])), [summary]);
  return (
    <div className="tabs" role="tablist" aria-label="Sports">
      {sports.map((s) => {
        const events = counts.get(s.key)?.events ?? s.activeEvents;
        const live = counts.get(s.key)?.live ?? s.liveEvents;
        return (
          <button type="button" key={s.key} role="tab" aria-selected={s.key === selected} className="tab" data-sport={s.key} onClick={() => onChoose(s.key)}>
            {s.title}
            <span className="count">{events}</span>
            {live > 0 && <span className="live-dot" title={`${live} in play`} />}
          </button>
        );
      })}
    </div>
  );
}

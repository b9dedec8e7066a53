"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { AdminEvent, BoardStatusAnswer } from "@/lib/protocol/admin";
import type { BoardEvent } from "@/lib/protocol/admin-board";
import { fetchBoard } from "./admin-api";
import { type BoardTarget, applyAnswer, applyToBoard, reloadBoard, withoutEvent } from "./board-state";

/** How often the list is read again while a bet stop may be changing it, ms. */
export const BOARD_FOLLOW_MS = 3_000;

export interface Board {
  events: BoardEvent[];
  /** Follows an admin event. */
  apply(event: AdminEvent): void;
  /** Follows a button's answer (`shownAtClick`: the target's `auditId` when it was clicked). */
  answered(target: BoardTarget, answer: BoardStatusAnswer, shownAtClick: string | null): void;
  /** Drops an event this page settled or voided. */
  ended(eventId: string): void;
  /** Reads the whole list again (one read at a time; a request meanwhile reads once more after). */
  reload(): void;
}

/**
 * The console's list of the events on the board (`board-state.ts`): from the page's first render,
 * then admin events and the answers of its own buttons. An odds producer's bet stop and its
 * reopening send no admin event, so the list is read again (`GET /api/admin/board`) on
 * `producer_down` / `producer_up` (through `reload`), and every `BOARD_FOLLOW_MS` while the tab
 * is visible and either `unvouched` (the overview says the producer is down or a sport is stale:
 * a bet stop may be suspending markets) or the list shows a feed stop (the producer reopens it
 * once it has fresh prices). Every function it returns keeps its identity, so memoised panels do
 * not re-render.
 */
export function useBoard(initial: BoardEvent[], unvouched: boolean): Board {
  const [events, setEvents] = useState(initial);
  const feedStops = useMemo(() => events.some((e) => e.markets.some((m) => m.byFeed)), [events]);
  const following = unvouched || feedStops;
  const reading = useRef(false);
  const again = useRef(false);

  const reload = useCallback(async function read(): Promise<void> {
    if (reading.current) {
      again.current = true;
      return;
    }
    reading.current = true;
    const answer = await fetchBoard();
    reading.current = false;
    if (answer.ok) setEvents((shown) => reloadBoard(shown, answer.value.events));
    if (again.current) {
      again.current = false;
      return read();
    }
  }, []);

  useEffect(() => {
    if (!following) return;
    const timer = setInterval(() => {
      if (!document.hidden) void reload();
    }, BOARD_FOLLOW_MS);
    return () => clearInterval(timer);
  }, [following, reload]);

  const apply = useCallback((event: AdminEvent) => setEvents((shown) => applyToBoard(shown, event)), []);
  const answered = useCallback(
    (target: BoardTarget, answer: BoardStatusAnswer, shownAtClick: string | null) => setEvents((shown) => applyAnswer(shown, target, answer, shownAtClick)),
    [],
  );
  const ended = useCallback((eventId: string) => setEvents((shown) => withoutEvent(shown, eventId)), []);
  const reloadNow = useCallback(() => void reload(), [reload]);
  return { events, apply, answered, ended, reload: reloadNow };
}

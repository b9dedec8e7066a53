"use client";

import { useEffect, useState } from "react";
import type { LiveConnection } from "@/lib/live/connection";
import type { OddsStore } from "@/lib/live/odds-store";
import { type EventBookMarkets, EventDetailAnswer, type EventUpdate, PRICE_HISTORY, type PricePoint, pricePoint, samePrices } from "@/lib/protocol";

/**
 * Every bookmaker's price of the event: the server's read, then each `event:books` message
 * replaces the markets it lists (an older one than what a market holds is ignored). After a
 * reconnect, whatever was sent meanwhile was missed, so the books are read again.
 */
export function useBooks(connection: LiveConnection | null, eventId: string, initial: EventBookMarkets): EventBookMarkets {
  const [books, setBooks] = useState(() => ({ markets: initial, at: {} as Record<string, number> }));
  useEffect(() => {
    if (!connection) return;
    const stopBooks = connection.on("event:books", (message) => {
      if (message.eventId !== eventId) return;
      setBooks((held) => {
        const markets = { ...held.markets };
        const at = { ...held.at };
        for (const [key, outcomes] of Object.entries(message.markets)) {
          if ((at[key] ?? 0) > message.ts) continue;
          markets[key] = outcomes;
          at[key] = message.ts;
        }
        return { markets, at };
      });
    });
    const stopReconnect = connection.onReconnect(() => {
      const asked = Date.now();
      void fetch(`/api/events/${encodeURIComponent(eventId)}`, { cache: "no-store" })
        .then((response): Promise<unknown> => (response.ok ? response.json() : Promise.resolve(null)))
        .then((body) => {
          const answer = EventDetailAnswer.safeParse(body);
          if (!answer.success) return;
          const detail = answer.data;
          // A message newer than the request already holds a fresher market; keep it.
          setBooks((held) => {
            const markets = { ...detail.books };
            for (const [key, ts] of Object.entries(held.at)) if (ts > asked && held.markets[key]) markets[key] = held.markets[key];
            return { markets, at: held.at };
          });
        })
        .catch(() => {});
    });
    return () => {
      stopBooks();
      stopReconnect();
    };
  }, [connection, eventId]);
  return books.markets;
}

/**
 * Our price history for the event's sparklines: the stored hour, extended by every move of the
 * event the page sees live, bounded to the same hour.
 */
export function usePriceHistory(store: OddsStore, sport: string, eventId: string, initial: PricePoint[]): PricePoint[] {
  const [points, setPoints] = useState(initial);
  useEffect(() => {
    const add = () => {
      const event = store.event(sport, eventId);
      if (!event) return;
      const now = Date.now();
      const point = pricePoint(event, now);
      setPoints((held) => {
        const last = held[held.length - 1];
        if (last && samePrices(last, point)) return held;
        return [...held.filter((p) => p.t >= now - PRICE_HISTORY.windowMs), point];
      });
    };
    add(); // the state the page opened with (or reached before this effect ran)
    return store.subscribeEvent(sport, eventId, add);
  }, [store, sport, eventId]);
  return points;
}

/** One line of the event's timeline. */
export interface TimelineEntry {
  at: number;
  text: string;
}

/** Status, phase and score moves of the event as `event:update`s bring them, newest first. */
export function useTimeline(connection: LiveConnection | null, eventId: string, opened: EventUpdate | null): TimelineEntry[] {
  const [entries, setEntries] = useState<TimelineEntry[]>([]);
  const [start] = useState(opened);
  useEffect(() => {
    if (!connection) return;
    let held = start;
    return connection.on("event:update", (update) => {
      if (update.eventId !== eventId) return;
      const text = describeUpdate(held, update);
      held = { ...held, ...update };
      if (text) setEntries((list) => [{ at: Date.now(), text }, ...list].slice(0, 100));
    });
  }, [connection, eventId, start]);
  return entries;
}

function describeUpdate(held: EventUpdate | null, update: EventUpdate): string | null {
  const parts: string[] = [];
  if (update.score && (held?.score?.home !== update.score.home || held?.score?.away !== update.score.away))
    parts.push(`Score ${update.score.home}–${update.score.away}`);
  if (update.phase && update.phase !== held?.phase) parts.push(update.phase === "live" ? "In play" : "Before the start");
  if (update.status && update.status !== held?.status) parts.push(update.status === "suspended" ? "Betting suspended" : "Betting open");
  return parts.length ? parts.join(" · ") : null;
}

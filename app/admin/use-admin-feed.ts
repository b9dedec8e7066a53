"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import { LiveConnection } from "@/lib/live/connection";
import { OddsStore } from "@/lib/live/odds-store";
import { RelayTokens } from "@/lib/live/relay-tokens";
import type { AdminEvent } from "@/lib/protocol";
import { fetchRelayToken } from "../sports/api";
import { type RelayLocation, relayAddress } from "../sports/relay-address";
import { fetchAudit } from "./admin-api";
import { type FeedItem, feedItemOfEntry, feedItemOfEvent, mergeFeed, needsOlder, newestAuditId } from "./feed-items";

/** How many lines the console's feed keeps, newest first. */
export const FEED_LENGTH = 200;
/** How many of the audit log's entries the feed reads at a time. */
export const FEED_HISTORY = 50;

export interface AdminFeed {
  items: FeedItem[];
  /** The relay has this page in the `admins` room (its admin token was taken). */
  listening: boolean;
  /** The audit log's latest entries are in (`loading` until the first read answers). */
  history: "loading" | "loaded" | "failed";
  /** How many readings of the history have answered (one when the page opens, one per joining of the admins' room). */
  historyReads: number;
  /** How many times this page joined the admins' room (the first time, and after every reconnection). */
  joins: number;
  error: string | null;
}

/**
 * The admin feed: the audit log's latest entries, then the `admin:event`s pushed to this page
 * (one relay connection carrying this admin's relay token, refreshed before it runs out, as the
 * bettor's page does; validated on receipt by `LiveConnection.on`). The history is read when the
 * page opens and again each time the connection (re)joins the admins' room, paging back until it
 * reaches a line already shown (or the feed is full), so an action that committed while the page
 * was not listening still shows; an action both read and pushed shows once (`mergeFeed`).
 * `onEvent` sees each live event as it arrives (e.g. to read the overview again at once).
 */
export function useAdminFeed(relay: RelayLocation, onEvent: (event: AdminEvent) => void): AdminFeed {
  const [items, setItems] = useState<FeedItem[]>([]);
  const [history, setHistory] = useState<{ state: AdminFeed["history"]; reads: number }>({ state: "loading", reads: 0 });
  const [status, setStatus] = useState<{ listening: boolean; joins: number; error: string | null }>({ listening: false, joins: 0, error: null });
  const count = useRef(0);
  const handler = useRef(onEvent);
  handler.current = onEvent;

  useEffect(() => {
    let open = true;
    let listening = false;
    /** The newest entry id shown, kept as lines are added (the history reading starts from it). */
    let known: string | null = null;
    const add = (incoming: FeedItem[]) => {
      known = newestAuditId(incoming, known);
      setItems((shown) => mergeFeed(shown, incoming, FEED_LENGTH));
    };
    const readHistory = async () => {
      const from = known;
      let before: string | undefined;
      let ok = true;
      for (let read = 0; read < FEED_LENGTH / FEED_HISTORY; read += 1) {
        const page = await fetchAudit({ limit: FEED_HISTORY, before });
        if (!open) return;
        ok = page.ok;
        if (!page.ok) break;
        add(page.value.entries.map(feedItemOfEntry));
        if (!needsOlder(from, page.value) || page.value.next === null) break;
        before = page.value.next;
      }
      setHistory((was) => ({ state: ok ? "loaded" : was.state === "loaded" ? "loaded" : "failed", reads: was.reads + 1 }));
    };
    let tokens: RelayTokens | null = null;
    const connection = new LiveConnection(relayAddress({ url: relay.url, port: relay.port }), new OddsStore(), {
      onTokenExpired: () => void tokens?.refresh(),
    });
    tokens = new RelayTokens(fetchRelayToken, (token) => void connection.setToken(token));
    const offStatus = connection.onStatus(() => {
      const current = connection.status();
      const joined = current.personal && !listening;
      if (joined) void readHistory();
      listening = current.personal;
      setStatus((was) => ({ listening: current.personal, joins: was.joins + (joined ? 1 : 0), error: current.error }));
    });
    const offEvent = connection.on("admin:event", (event) => {
      count.current += 1;
      add([feedItemOfEvent(event, count.current)]);
      handler.current(event);
    });
    void readHistory();
    connection.connect();
    tokens.start();
    return () => {
      open = false;
      offEvent();
      offStatus();
      tokens?.stop();
      connection.close();
    };
  }, [relay.url, relay.port]);

  // One object per change of what it holds, so a memoised feed list re-renders only then.
  return useMemo(() => ({ items, history: history.state, historyReads: history.reads, ...status }), [items, history, status]);
}

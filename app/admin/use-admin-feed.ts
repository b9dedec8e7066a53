"use client";

import { useEffect, useRef, useState } from "react";
import { LiveConnection } from "../../lib/live/connection";
import { OddsStore } from "../../lib/live/odds-store";
import { RelayTokens } from "../../lib/live/relay-tokens";
import type { AdminEvent } from "../../lib/protocol";
import { fetchRelayToken } from "../sports/api";
import { type RelayLocation, relayAddress } from "../sports/relay-address";
import { fetchAudit } from "./admin-api";
import { type FeedItem, feedItemOfEntry, feedItemOfEvent, mergeFeed } from "./feed-items";

/** How many lines the console's feed keeps, newest first. */
export const FEED_LENGTH = 200;
/** How many of the audit log's latest entries the feed starts from. */
export const FEED_HISTORY = 50;

export interface AdminFeed {
  items: FeedItem[];
  /** The relay has this page in the `admins` room (its admin token was taken). */
  listening: boolean;
  /** The audit log's latest entries are in (`loading` until the first read answers). */
  history: "loading" | "loaded" | "failed";
  error: string | null;
}

/**
 * The admin feed: the audit log's latest entries, then the `admin:event`s pushed to this page
 * (one relay connection carrying this admin's relay token, refreshed before it runs out, as the
 * bettor's page does; validated on receipt by `LiveConnection.on`). The history is read when the
 * page opens and again each time the connection (re)joins the admins' room, so an action that
 * committed while the page was not listening still shows; an action both read and pushed shows
 * once (`mergeFeed`). `onEvent` sees each live event as it arrives (e.g. to read the overview
 * again at once).
 */
export function useAdminFeed(relay: RelayLocation, onEvent: (event: AdminEvent) => void): AdminFeed {
  const [items, setItems] = useState<FeedItem[]>([]);
  const [history, setHistory] = useState<AdminFeed["history"]>("loading");
  const [status, setStatus] = useState<{ listening: boolean; error: string | null }>({ listening: false, error: null });
  const count = useRef(0);
  const handler = useRef(onEvent);
  handler.current = onEvent;

  useEffect(() => {
    let open = true;
    let listening = false;
    const add = (incoming: FeedItem[]) => setItems((shown) => mergeFeed(shown, incoming, FEED_LENGTH));
    const readHistory = async () => {
      const page = await fetchAudit({ limit: FEED_HISTORY });
      if (!open) return;
      if (page.ok) add(page.value.entries.map(feedItemOfEntry));
      setHistory((was) => (page.ok ? "loaded" : was === "loaded" ? was : "failed"));
    };
    let tokens: RelayTokens | null = null;
    const connection = new LiveConnection(relayAddress({ url: relay.url, port: relay.port }), new OddsStore(), { onTokenExpired: () => void tokens?.refresh() });
    tokens = new RelayTokens(fetchRelayToken, (token) => void connection.setToken(token));
    const offStatus = connection.onStatus(() => {
      const current = connection.status();
      if (current.personal && !listening) void readHistory();
      listening = current.personal;
      setStatus({ listening: current.personal, error: current.error });
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

  return { items, history, ...status };
}

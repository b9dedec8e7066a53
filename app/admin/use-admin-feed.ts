"use client";

import { useEffect, useRef, useState } from "react";
import { LiveConnection } from "../../lib/live/connection";
import { OddsStore } from "../../lib/live/odds-store";
import { RelayTokens } from "../../lib/live/relay-tokens";
import type { AdminEvent } from "../../lib/protocol";
import { fetchRelayToken } from "../sports/api";
import { type RelayLocation, relayAddress } from "../sports/relay-address";

/** How many admin events the console keeps, newest first. */
export const FEED_LENGTH = 200;

/** An admin event as received, numbered in order of arrival (a stable key for the list). */
export interface Received {
  n: number;
  event: AdminEvent;
}

export interface AdminFeed {
  events: Received[];
  /** The relay has this page in the `admins` room (its admin token was taken). */
  listening: boolean;
  error: string | null;
}

/**
 * The `admin:event`s pushed to this page: one relay connection carrying this admin's relay token
 * (refreshed before it runs out, as the bettor's page does), validated on receipt by
 * `LiveConnection.on`. Only what arrives while the page is open; no history is loaded.
 * `onEvent` sees each one as it arrives (e.g. to read the overview again at once).
 */
export function useAdminFeed(relay: RelayLocation, onEvent: (event: AdminEvent) => void): AdminFeed {
  const [events, setEvents] = useState<Received[]>([]);
  const count = useRef(0);
  const [status, setStatus] = useState<{ listening: boolean; error: string | null }>({ listening: false, error: null });
  const handler = useRef(onEvent);
  handler.current = onEvent;

  useEffect(() => {
    let tokens: RelayTokens | null = null;
    const connection = new LiveConnection(relayAddress({ url: relay.url, port: relay.port }), new OddsStore(), { onTokenExpired: () => void tokens?.refresh() });
    tokens = new RelayTokens(fetchRelayToken, (token) => void connection.setToken(token));
    const offStatus = connection.onStatus(() => {
      const current = connection.status();
      setStatus({ listening: current.personal, error: current.error });
    });
    const offEvent = connection.on("admin:event", (event) => {
      count.current += 1;
      const received = { n: count.current, event };
      setEvents((previous) => [received, ...previous].slice(0, FEED_LENGTH));
      handler.current(event);
    });
    connection.connect();
    tokens.start();
    return () => {
      offEvent();
      offStatus();
      tokens?.stop();
      connection.close();
    };
  }, [relay.url, relay.port]);

  return { events, ...status };
}

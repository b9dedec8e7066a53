import { useCallback, useSyncExternalStore } from "react";
import type { EventOdds, SportsSummary } from "../protocol";
import type { AccountState, AccountStore } from "./account-store";
import type { ConnectionStatus, LiveConnection } from "./connection";
import type { LeagueGroup, OddsStore } from "./odds-store";

/** React bindings: each hook subscribes to exactly the slice it renders. */

const NO_GROUPS: LeagueGroup[] = [];

/** One event; the component re-renders only when this event changes. */
export function useEvent(store: OddsStore, sport: string, id: string): EventOdds | undefined {
  const subscribe = useCallback((listener: () => void) => store.subscribeEvent(sport, id, listener), [store, sport, id]);
  const get = () => store.event(sport, id);
  return useSyncExternalStore(subscribe, get, get);
}

/** The league groups of a sport; changes only when events are added, removed or reordered. */
export function useLeagueGroups(store: OddsStore, sport: string): LeagueGroup[] | undefined {
  const subscribe = useCallback((listener: () => void) => store.subscribeList(sport, listener), [store, sport]);
  const get = () => store.groups(sport) ?? (store.has(sport) ? NO_GROUPS : undefined);
  return useSyncExternalStore(subscribe, get, get);
}

export function useConnectionStatus(connection: LiveConnection): ConnectionStatus {
  const subscribe = useCallback((listener: () => void) => connection.onStatus(listener), [connection]);
  const get = () => connection.status();
  return useSyncExternalStore(subscribe, get, get);
}

/** The board's event counts per sport; re-renders when a newer summary arrives. */
export function useSportsSummary(store: OddsStore): SportsSummary | null {
  const subscribe = useCallback((listener: () => void) => store.subscribeSummary(listener), [store]);
  const get = () => store.summary();
  return useSyncExternalStore(subscribe, get, get);
}

/** The bettor's account and bets; re-renders on sign-in/out and on every personal update. */
export function useAccount(store: AccountStore): AccountState {
  const subscribe = useCallback((listener: () => void) => store.subscribe(listener), [store]);
  const get = () => store.current();
  return useSyncExternalStore(subscribe, get, get);
}

/** Whether the connection receives its account's private updates (see ConnectionStatus.personal). */
export function usePersonal(connection: LiveConnection | null): boolean {
  const subscribe = useCallback((listener: () => void) => (connection ? connection.onStatus(listener) : () => {}), [connection]);
  const get = () => connection?.status().personal ?? false;
  return useSyncExternalStore(subscribe, get, () => false);
}

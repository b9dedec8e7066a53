"use client";

import { useCallback, useSyncExternalStore } from "react";
import type { OddsFormat } from "@/lib/odds";

const KEY = "live-odds:format";
const FORMATS: OddsFormat[] = ["decimal", "american", "fractional"];
const listeners = new Set<() => void>();

function read(): OddsFormat {
  const stored = typeof window === "undefined" ? null : window.localStorage.getItem(KEY);
  return FORMATS.includes(stored as OddsFormat) ? (stored as OddsFormat) : "decimal";
}

/** The bettor's chosen odds format, remembered in this browser (decimal until they choose). */
export function useOddsFormat(): [OddsFormat, (format: OddsFormat) => void] {
  const subscribe = useCallback((listener: () => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, []);
  const format = useSyncExternalStore(subscribe, read, () => "decimal" as const);
  const set = useCallback((next: OddsFormat) => {
    window.localStorage.setItem(KEY, next);
    for (const listener of listeners) listener();
  }, []);
  return [format, set];
}

export { FORMATS };

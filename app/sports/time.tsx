"use client";

import { useEffect, useState, useSyncExternalStore } from "react";

const noop = () => () => {};

/** False during server render and hydration, true afterwards (so SSR and first client render match). */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    noop,
    () => true,
    () => false,
  );
}

/** A start time in the bettor's timezone (UTC until hydrated, so the server HTML matches). */
export function StartTime({ iso }: { iso: string }) {
  const hydrated = useHydrated();
  const date = new Date(iso);
  const text = date.toLocaleString("en-GB", {
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: hydrated ? undefined : "UTC",
  });
  return <time dateTime={iso}>{text}</time>;
}

/**
 * "3 s ago" (then minutes, then hours), ticking once a second. Blank until hydrated: the server
 * cannot know the reader's clock, and its text would not match the first client render.
 */
export function Ago({ at }: { at: number }) {
  const hydrated = useHydrated();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);
  if (!hydrated) return null;
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  const text = seconds < 60 ? `${seconds} s ago` : seconds < 3_600 ? `${Math.round(seconds / 60)} min ago` : `${Math.round(seconds / 3_600)} h ago`;
  return <span title={new Date(at).toISOString()}>{text}</span>;
}

/** HH:MM:SS in the bettor's timezone (rendered only after hydration, so no mismatch). */
export function ClockTime({ at }: { at: number }) {
  return <time dateTime={new Date(at).toISOString()}>{new Date(at).toLocaleTimeString("en-GB", { hour12: false })}</time>;
}

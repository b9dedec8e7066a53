"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { AdminOverview } from "@/lib/protocol/admin-overview";
import { fetchOverview } from "./admin-api";

/** How often the console reads the overview while visible, ms (with the pushed admin events, "within a second"). */
export const OVERVIEW_EVERY_MS = 1_000;

/**
 * The admin overview, read every second while the tab is visible and not at all while it is
 * hidden (read at once when it shows again). One read at a time: the next is scheduled after the
 * last answered, so a slow server never piles requests up. `refresh` reads now (after an action,
 * or an admin event that changes what it shows).
 */
export function useOverview(initial: AdminOverview): { overview: AdminOverview; problem: string | null; refresh: () => void } {
  const [overview, setOverview] = useState(initial);
  const [problem, setProblem] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const reading = useRef(false);
  const again = useRef(false);

  const read = useCallback(async function poll(): Promise<void> {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    if (reading.current) {
      again.current = true;
      return;
    }
    reading.current = true;
    const answer = await fetchOverview();
    reading.current = false;
    if (answer.ok) {
      setOverview(answer.value);
      setProblem(null);
    } else
      setProblem(
        answer.status === 401 || answer.status === 403 ? "Your admin session has ended; sign in again." : `The overview could not be read: ${answer.message}`,
      );
    if (again.current) {
      again.current = false;
      return poll();
    }
    if (!document.hidden) timer.current = setTimeout(() => void poll(), OVERVIEW_EVERY_MS);
  }, []);

  useEffect(() => {
    const onVisibility = () => {
      if (document.hidden) {
        if (timer.current) clearTimeout(timer.current);
        timer.current = null;
      } else void read();
    };
    document.addEventListener("visibilitychange", onVisibility);
    void read();
    return () => {
      document.removeEventListener("visibilitychange", onVisibility);
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    };
  }, [read]);

  const refresh = useCallback(() => void read(), [read]);
  return { overview, problem, refresh };
}

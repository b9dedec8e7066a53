"use client";

import { useCallback, useEffect, useState } from "react";
import type { LimitChange, LimitsView } from "@/lib/accounts/bettor-limits";
import { changeLimit, fetchLimits } from "./api";

/**
 * The signed-in bettor's own limits (GET /api/account/limits), read on sign-in and again through
 * `reload` when they are shown (the panel opening, a reality check: what was staked has moved
 * since), and changed through POST. Null while signed out or not yet read.
 */
export function useLimits(signedIn: boolean): {
  limits: LimitsView | null;
  reload: () => Promise<void>;
  change: (change: LimitChange) => Promise<string | null>;
} {
  const [limits, setLimits] = useState<LimitsView | null>(null);
  const reload = useCallback(async () => {
    const answer = await fetchLimits();
    if (answer.ok) setLimits(answer.value);
  }, []);
  useEffect(() => {
    if (!signedIn) return setLimits(null);
    void reload();
  }, [signedIn, reload]);
  /** Applies `change`; resolves with the server's words when it was refused, else null. */
  const change = useCallback(async (limitChange: LimitChange) => {
    const answer = await changeLimit(limitChange);
    if (!answer.ok) return answer.message;
    setLimits(answer.value);
    return null;
  }, []);
  return { limits, reload, change };
}

"use client";

import { useEffect, useState } from "react";
import type { LimitsView } from "@/lib/accounts/bettor-limits";
import { durationText } from "./duration-text";
import { money } from "./selection-label";

/** Where the tabs of a session keep the last check acknowledged (`<key>:<session start>`). */
const ACK_KEY = "live-odds:reality-check";

/**
 * The reality check a bettor chose (docs/limits.md): every `realityCheckMinutes` of the session,
 * counted from when it began, a dialog says how long they have been betting and what they staked
 * and got back in that time, and asks whether to go on. It reads the limits again when it opens,
 * so the money is the server's as of then. A check answered in one tab closes in the others.
 */
export function RealityCheck({
  limits,
  reload,
  onSignOut,
  onLimits,
}: {
  limits: LimitsView | null;
  reload: () => Promise<void>;
  onSignOut: () => void;
  onLimits: () => void;
}) {
  const minutes = limits?.realityCheckMinutes ?? null;
  const startedAt = limits ? Date.parse(limits.session.startedAt) : Number.NaN;
  /** The check acknowledged last (its number since the session began): the next one is due after it. */
  const [acknowledged, setAcknowledged] = useState(0);
  const [open, setOpen] = useState<number | null>(null);

  // Every tab of the session shares what was acknowledged (localStorage, by the session's start),
  // so a check answered in one tab is not asked again in the others.
  useEffect(() => {
    if (Number.isNaN(startedAt)) return;
    const key = `${ACK_KEY}:${startedAt}`;
    const read = () => Number(window.localStorage.getItem(key) ?? 0) || 0;
    setAcknowledged((held) => Math.max(held, read()));
    const heard = (event: StorageEvent) => {
      if (event.key !== key) return;
      const shared = read();
      setAcknowledged((held) => Math.max(held, shared));
      setOpen((shown) => (shown !== null && shown <= shared ? null : shown));
    };
    window.addEventListener("storage", heard);
    return () => window.removeEventListener("storage", heard);
  }, [startedAt]);

  useEffect(() => {
    if (minutes === null || Number.isNaN(startedAt) || open !== null) return;
    const everyMs = minutes * 60_000;
    // The latest check already due (shown at once), or the next one to come.
    const next = Math.max(acknowledged + 1, Math.floor((Date.now() - startedAt) / everyMs));
    const timer = setTimeout(
      () => {
        setOpen(next);
        void reload();
      },
      Math.max(0, startedAt + next * everyMs - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [minutes, startedAt, acknowledged, open, reload]);

  if (open === null || !limits || minutes === null) return null;
  const elapsedMinutes = Math.floor((Date.now() - startedAt) / 60_000);
  /** Acknowledges the check, then does `next` (open the limits, sign out), if anything. */
  const answer = (next?: () => void) => () => {
    setAcknowledged(open);
    window.localStorage.setItem(`${ACK_KEY}:${startedAt}`, String(open));
    setOpen(null);
    next?.();
  };
  return (
    <div className="dialog-backdrop" role="presentation">
      <div className="dialog reality-check" role="alertdialog" aria-label="Reality check">
        <h2>Reality check</h2>
        <p>
          You have been signed in for <strong data-minutes={elapsedMinutes}>{durationText(elapsedMinutes)}</strong>. In that time you staked{" "}
          <strong data-staked={limits.session.staked}>{money.format(limits.session.staked)}</strong> and got back{" "}
          <strong data-returned={limits.session.returned}>{money.format(limits.session.returned)}</strong>.
        </p>
        <div className="actions">
          <button type="button" className="primary" onClick={answer()}>
            Keep going
          </button>
          <button type="button" onClick={answer(onLimits)}>
            My limits
          </button>
          <button type="button" className="link" onClick={answer(onSignOut)}>
            Sign out
          </button>
        </div>
      </div>
    </div>
  );
}

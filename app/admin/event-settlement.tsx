"use client";

import { memo, useState } from "react";
import type { PickableEvent } from "@/lib/protocol/admin-board";
import { settleEvent, voidEvent } from "./admin-api";

/**
 * Settles an event with its final score, or voids it (every open bet refunded), through the
 * admin routes of docs/bets.md. The picker lists the console's board (`events`); an event this
 * page settled or voided is dropped from it at once (`onEnded`), one another admin ended when its
 * admin event arrives.
 */
export const EventSettlement = memo(function EventSettlement({ events, onEnded }: { events: PickableEvent[]; onEnded: (eventId: string) => void }) {
  const [chosen, setPicked] = useState<string | null>(null);
  const [score, setScore] = useState({ home: "", away: "" });
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<{ ok: boolean; text: string } | null>(null);
  // The first event until one is chosen, and again once the chosen one leaves the board.
  const event = events.find((e) => e.id === chosen) ?? events[0] ?? null;
  const picked = event?.id ?? "";

  const act = async (what: "settle" | "void") => {
    if (!event) return;
    const home = Number(score.home);
    const away = Number(score.away);
    if (what === "settle" && (score.home === "" || score.away === "" || !Number.isInteger(home) || !Number.isInteger(away) || home < 0 || away < 0)) {
      return setAnswer({ ok: false, text: "Enter the final score: two whole numbers." });
    }
    setBusy(true);
    const result = what === "settle" ? await settleEvent(event.id, { home, away }) : await voidEvent(event.id);
    setBusy(false);
    if (!result.ok) return setAnswer({ ok: false, text: `${event.title}: ${result.message}` });
    const bets = result.value.settled.length;
    setAnswer({ ok: true, text: `${event.title} ${what === "settle" ? `settled ${home}–${away}` : "voided"}: ${bets} bet${bets === 1 ? "" : "s"}.` });
    onEnded(event.id);
  };

  return (
    <section className="admin-panel" aria-label="Settle or void an event">
      <h2>Settle or void an event</h2>
      {events.length === 0 ? (
        <p className="muted">No event is open.</p>
      ) : (
        <div className="admin-controls">
          <label>
            Event
            <select name="event" value={picked} onChange={(e) => setPicked(e.target.value)}>
              {events.map((e) => (
                <option key={e.id} value={e.id}>
                  {e.live ? "LIVE · " : ""}
                  {e.title} · {e.league} · {e.startsAt.slice(0, 16).replace("T", " ")} UTC
                </option>
              ))}
            </select>
          </label>
          <label>
            Home
            <input name="home" type="number" min={0} step={1} value={score.home} onChange={(e) => setScore({ ...score, home: e.target.value })} />
          </label>
          <label>
            Away
            <input name="away" type="number" min={0} step={1} value={score.away} onChange={(e) => setScore({ ...score, away: e.target.value })} />
          </label>
          <button type="button" className="primary" disabled={busy || !event} onClick={() => void act("settle")}>
            Settle with result
          </button>
          <button type="button" className="danger" disabled={busy || !event} onClick={() => void act("void")}>
            Void bets
          </button>
        </div>
      )}
      {answer && (
        <p className={answer.ok ? "hint" : "form-error"} role="status">
          {answer.text}
        </p>
      )}
    </section>
  );
});

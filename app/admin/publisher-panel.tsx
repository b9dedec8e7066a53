"use client";

import { type FormEvent, useState } from "react";
import type { AdminOverview, PublisherStatusBody } from "@/lib/protocol/admin-overview";
import { startPublisher, stopPublisher } from "./admin-api";
import { duration } from "./event-line";

type Shown = "running" | "stopped" | "failing";

/** Running when it ticks, stopped when an admin stopped it, failing when it should run but does not. */
function shownState(status: PublisherStatusBody): Shown {
  if (status.running) return "running";
  return status.desired === "stopped" ? "stopped" : "failing";
}

const LABEL: Record<Shown, string> = { running: "Running", stopped: "Stopped", failing: "Failing" };

/** The publisher as GET /api/sports/ws-publisher reports it, with Start, Stop and Set interval. */
export function PublisherPanel({ publisher, onChanged }: { publisher: AdminOverview["publisher"]; onChanged: () => void }) {
  const [intervalText, setIntervalText] = useState("");
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<{ ok: boolean; text: string } | null>(null);
  const status = publisher.ok ? publisher.status : null;

  const act = async (what: "start" | "stop" | "interval") => {
    const ms = intervalText.trim() === "" ? undefined : Number(intervalText);
    if (what !== "stop" && ms !== undefined && (!Number.isInteger(ms) || ms < 50 || ms > 60_000))
      return setAnswer({ ok: false, text: "The interval is a whole number of ms from 50 to 60000." });
    if (what === "interval" && ms === undefined) return setAnswer({ ok: false, text: "Enter an interval first." });
    setBusy(true);
    const result = what === "stop" ? await stopPublisher() : await startPublisher(ms);
    setBusy(false);
    onChanged();
    if (!result.ok) return setAnswer({ ok: false, text: result.message });
    setAnswer(
      result.value.confirmed
        ? { ok: true, text: what === "stop" ? "Stopped; the leader confirmed." : `Running every ${result.value.intervalMs} ms; the leader confirmed.` }
        : { ok: false, text: result.value.warning ?? "Not confirmed yet." },
    );
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void act(status?.desired === "running" ? "interval" : "start");
  };

  return (
    <section className="admin-panel publisher-panel" aria-label="Publisher">
      <h2>Publisher</h2>
      {status ? <PublisherFacts status={status} /> : <p className="notice problem">{publisher.ok ? "" : publisher.error}</p>}
      <form className="admin-controls" onSubmit={submit}>
        <label>
          Interval (ms)
          <input
            name="intervalMs"
            type="number"
            min={50}
            max={60_000}
            step={1}
            placeholder={status ? String(status.intervalMs) : "500"}
            value={intervalText}
            onChange={(e) => setIntervalText(e.target.value)}
          />
        </label>
        <button type="button" className="primary" disabled={busy || status?.desired === "running"} onClick={() => void act("start")}>
          Start
        </button>
        <button type="button" disabled={busy || status?.desired !== "running"} onClick={() => void act("interval")}>
          Set interval
        </button>
        <button type="button" className="danger" disabled={busy || status?.desired === "stopped"} onClick={() => void act("stop")}>
          Stop
        </button>
      </form>
      {answer && (
        <p className={answer.ok ? "hint" : "form-error"} role="status">
          {answer.text}
        </p>
      )}
    </section>
  );
}

function PublisherFacts({ status }: { status: PublisherStatusBody }) {
  const shown = shownState(status);
  const ticks = status.tickDurationMs;
  const fmt = (value: number | null) => (value === null ? "–" : `${value} ms`);
  return (
    <>
      <p className="publisher-state-line">
        <span className={`state-badge ${shown}`} data-testid="publisher-state" data-state={shown}>
          {LABEL[shown]}
        </span>
        {status.health.reason && <span className="muted">{status.health.reason}</span>}
      </p>
      <dl className="facts">
        <dt>Health</dt>
        <dd data-testid="publisher-health">
          {status.health.status}
          {status.health.since ? ` since ${status.health.since.slice(11, 19)} UTC` : ""}
        </dd>
        <dt>Leader</dt>
        <dd data-testid="publisher-leader">
          {status.leader
            ? `${status.leader.instanceId}${status.leader.since ? ` (since ${status.leader.since.slice(11, 19)} UTC)` : ""}`
            : "none holds the lease"}
        </dd>
        <dt>Interval</dt>
        <dd data-testid="publisher-interval">{status.intervalMs} ms</dd>
        <dt>Tick p50 / p95 / p99</dt>
        <dd>
          {fmt(ticks.p50)} / {fmt(ticks.p95)} / {fmt(ticks.p99)}{" "}
          <span className="muted">
            over {ticks.samples} ticks, max {fmt(ticks.max)}
          </span>
        </dd>
        <dt>Last tick</dt>
        <dd>{status.lastTick ? `${duration(status.lastTick.ageMs)} ago` : "none yet"}</dd>
        <dt>Published</dt>
        <dd>
          {status.published.ticks} ticks, {status.published.messages} messages, {status.published.changes} changes
        </dd>
        <dt>Errors</dt>
        <dd>
          {status.errors.count}
          {status.errors.last ? ` (last: ${status.errors.last.message}, ${status.errors.last.at.slice(11, 19)} UTC)` : ""}
        </dd>
        <dt>Decided by</dt>
        <dd>{status.updatedBy ?? "nobody yet (PUBLISHER_AUTOSTART)"}</dd>
      </dl>
    </>
  );
}

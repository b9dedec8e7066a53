"use client";

import { type FormEvent, useState } from "react";
import { LIMIT_PERIODS, type LimitChange, type LimitPeriod, type LimitsView, REALITY_CHECK_MINUTES, SELF_EXCLUSION_MONTHS } from "@/lib/accounts/bettor-limits";
import { Panel } from "./panel";
import { money } from "./selection-label";

const PERIOD_LABEL: Record<LimitPeriod, string> = { day: "Daily (24 hours)", week: "Weekly (7 days)", month: "Monthly (30 days)" };
const TIME_OUT_CHOICES = [
  { days: 1, label: "24 hours" },
  { days: 3, label: "3 days" },
  { days: 7, label: "1 week" },
  { days: 14, label: "2 weeks" },
  { days: 28, label: "4 weeks" },
  { days: 42, label: "6 weeks" },
];
const MONTHS_LABEL: Record<(typeof SELF_EXCLUSION_MONTHS)[number], string> = { 6: "6 months", 12: "1 year", 24: "2 years", 60: "5 years" };
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const when = (iso: string) => dateTime.format(new Date(iso));

/**
 * The limits a bettor sets for themself (docs/limits.md): stake limits per day, week and month, a
 * time-out, self-exclusion and the reality check. Each change goes to POST /api/account/limits and
 * the panel shows what the server says now holds (a raise waits 24 hours; a time-out only grows).
 */
export function LimitsPanel({
  limits,
  onChange,
  onClose,
}: {
  limits: LimitsView | null;
  onChange: (change: LimitChange) => Promise<string | null>;
  onClose: () => void;
}) {
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const apply = async (change: LimitChange) => {
    setBusy(true);
    setProblem(await onChange(change));
    setBusy(false);
  };

  return (
    <Panel title="My limits" className="limits" onClose={onClose}>
      {!limits && <p className="muted">Reading your limits…</p>}
      {limits?.block && (
        <p className="slip-answer refused" data-block={limits.block.kind}>
          {limits.block.kind === "time_out" ? "You are taking a time-out" : "You have excluded yourself"} from betting until {when(limits.block.until)}. You can
          still see your bets and balance.
        </p>
      )}
      {limits && (
        <>
          <section className="limit-group">
            <h3>Stake limits</h3>
            <p className="muted">A lower limit holds at once; a higher one, or none, only 24 hours after you ask.</p>
            {LIMIT_PERIODS.map((period) => (
              <StakeLimitRow
                key={period}
                period={period}
                view={limits.stake[period]}
                busy={busy}
                onSet={(amount) => apply({ kind: "stake", period, amount })}
              />
            ))}
          </section>
          <section className="limit-group">
            <h3>Reality check</h3>
            <label>
              Remind me how long I have been betting, every
              <select
                name="reality-check"
                value={limits.realityCheckMinutes ?? ""}
                disabled={busy}
                onChange={(e) => void apply({ kind: "reality_check", minutes: e.target.value ? Number(e.target.value) : null })}
              >
                <option value="">never</option>
                {REALITY_CHECK_MINUTES.map((minutes) => (
                  <option key={minutes} value={minutes}>
                    {minutes} minutes
                  </option>
                ))}
              </select>
            </label>
          </section>
          <BlockForm
            title="Take a time-out"
            hint="No bets at all until it ends. You cannot shorten or end it."
            choices={TIME_OUT_CHOICES.map(({ days, label }) => ({ value: days, label }))}
            confirmText={(label) => `Take a time-out from betting for ${label}? You will not be able to end it early.`}
            busy={busy}
            onTake={(days) => apply({ kind: "time_out", days })}
          />
          <BlockForm
            title="Exclude myself"
            hint="No bets for 6 months or more. Only our support can lift it, and not before it ends."
            choices={SELF_EXCLUSION_MONTHS.map((months) => ({ value: months, label: MONTHS_LABEL[months] }))}
            confirmText={(label) => `Exclude yourself from betting for ${label}? This cannot be undone.`}
            busy={busy}
            onTake={(months) => apply({ kind: "self_exclusion", months })}
          />
        </>
      )}
      {problem && <p className="form-error">{problem}</p>}
    </Panel>
  );
}

function StakeLimitRow({
  period,
  view,
  busy,
  onSet,
}: {
  period: LimitPeriod;
  view: LimitsView["stake"][LimitPeriod];
  busy: boolean;
  onSet: (amount: number | null) => void;
}) {
  const [amount, setAmount] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const value = Number(amount);
    if (Number.isFinite(value) && value > 0) onSet(Math.round(value * 100) / 100);
    setAmount("");
  };
  return (
    <form className="limit-row" data-period={period} data-limit={view.amount ?? "none"} onSubmit={submit}>
      <div>
        <strong>{PERIOD_LABEL[period]}</strong>{" "}
        <span className="limit-now">{view.amount === null ? "no limit" : `${money.format(view.amount)}, ${money.format(view.staked)} staked so far`}</span>
        {view.pending && (
          <span className="muted limit-pending">
            {" "}
            · {view.pending.amount === null ? "no limit" : money.format(view.pending.amount)} from {when(view.pending.from)}
          </span>
        )}
      </div>
      <div className="limit-inputs">
        <input
          name={`limit-${period}`}
          type="number"
          inputMode="decimal"
          min="1"
          step="0.01"
          placeholder="amount"
          aria-label={`${PERIOD_LABEL[period]} stake limit`}
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
        />
        <button type="submit" disabled={busy || !amount}>
          Set
        </button>
        {view.amount !== null && !(view.pending && view.pending.amount === null) && (
          <button type="button" className="link" disabled={busy} onClick={() => onSet(null)}>
            Remove
          </button>
        )}
      </div>
    </form>
  );
}

function BlockForm({
  title,
  hint,
  choices,
  confirmText,
  busy,
  onTake,
}: {
  title: string;
  hint: string;
  choices: { value: number; label: string }[];
  confirmText: (label: string) => string;
  busy: boolean;
  onTake: (value: number) => void;
}) {
  const [choice, setChoice] = useState(choices[0]?.value ?? 0);
  const label = choices.find((c) => c.value === choice)?.label ?? "";
  return (
    <section className="limit-group">
      <h3>{title}</h3>
      <p className="muted">{hint}</p>
      <div className="limit-inputs">
        <select aria-label={title} value={choice} onChange={(e) => setChoice(Number(e.target.value))}>
          {choices.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
        <button type="button" className="danger" disabled={busy} onClick={() => window.confirm(confirmText(label)) && onTake(choice)}>
          {title}
        </button>
      </div>
    </section>
  );
}

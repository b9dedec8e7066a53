"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { AUDIT_ACTIONS, type AuditAction, type AuditEntryView } from "../../lib/protocol/audit";
import { fetchAudit } from "./admin-api";
import { ACTION_LABEL, describeChange } from "./audit-line";

/** Entries per page. */
const PAGE = 25;

/**
 * The audit log (`GET /api/admin/audit`): newest first, a page at a time ("Older" reads the next),
 * filtered by action. `latest` changes whenever an audited admin event arrives: the newest page is
 * read again and anything new goes on top.
 */
export function AuditLog({ latest }: { latest: string | null }) {
  const [action, setAction] = useState<AuditAction | "">("");
  const [entries, setEntries] = useState<AuditEntryView[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [state, setState] = useState<{ loading: boolean; problem: string | null }>({ loading: true, problem: null });
  /** The filter the shown entries belong to: answers for an older filter are dropped. */
  const shownFor = useRef<AuditAction | "">("");

  /** `first`: the newest page after the filter changed; `newest`: it again, on top; `older`: the page after the last shown. */
  const read = useCallback(async (filter: AuditAction | "", mode: "first" | "newest" | "older", before?: string) => {
    setState({ loading: true, problem: null });
    const page = await fetchAudit({ limit: PAGE, action: filter || undefined, before });
    if (shownFor.current !== filter) return;
    if (!page.ok) return setState({ loading: false, problem: `Could not read the audit log: ${page.message}` });
    setState({ loading: false, problem: null });
    const { entries: read, next: after } = page.value;
    if (mode === "older") setEntries((shown) => [...shown, ...read]);
    else setEntries((shown) => (mode === "first" ? read : mergeNewest(shown, read)));
    // Reading the newest page again leaves where the next older page starts as it was.
    if (mode !== "newest") setNext(after);
  }, []);

  useEffect(() => {
    shownFor.current = action;
    setEntries([]);
    setNext(null);
    void read(action, "first");
  }, [action, read]);

  useEffect(() => {
    if (latest !== null) void read(shownFor.current, "newest");
  }, [latest, read]);

  return (
    <section className="admin-panel audit-log" aria-label="Audit log">
      <h2>Audit log</h2>
      <div className="admin-controls">
        <label>
          Action
          <select name="audit-action" value={action} onChange={(e) => setAction(e.target.value as AuditAction | "")}>
            <option value="">All actions</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {ACTION_LABEL[a]}
              </option>
            ))}
          </select>
        </label>
      </div>
      {state.problem && <p className="form-error" role="alert">{state.problem}</p>}
      {entries.length === 0 && !state.loading && !state.problem && <p className="muted">No entries.</p>}
      {entries.length > 0 && (
        <table data-testid="audit-entries">
          <thead>
            <tr>
              <th>Time (UTC)</th>
              <th>Who</th>
              <th>Action</th>
              <th>Target</th>
              <th>Change</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.id} data-testid="audit-entry" data-audit-id={entry.id} data-action={entry.action} data-target-id={entry.target.id}>
                <td>
                  <time dateTime={entry.at}>{entry.at.slice(0, 19).replace("T", " ")}</time>
                </td>
                <td>{entry.actor}</td>
                <td>{ACTION_LABEL[entry.action]}</td>
                <td>
                  {entry.target.type}
                  {entry.target.id !== entry.target.type && (
                    <>
                      {" "}
                      <code>{entry.target.id}</code>
                    </>
                  )}
                </td>
                <td>{describeChange(entry.before, entry.after)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next && (
        <div className="admin-controls">
          <button type="button" disabled={state.loading} onClick={() => void read(action, "older", next)}>
            Older
          </button>
        </div>
      )}
    </section>
  );
}

/** The newest page on top of the entries shown, each entry once (ids are unique; newest first by id). */
function mergeNewest(shown: AuditEntryView[], newest: AuditEntryView[]): AuditEntryView[] {
  const known = new Set(shown.map((e) => e.id));
  return [...newest.filter((e) => !known.has(e.id)), ...shown].sort((a, b) => compareIds(b.id, a.id));
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

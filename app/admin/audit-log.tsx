"use client";

import { memo, useCallback, useEffect, useRef, useState } from "react";
import { AUDIT_ACTIONS, type AuditAction, type AuditEntryView } from "@/lib/protocol/audit";
import { fetchAudit } from "./admin-api";
import { ACTION_LABEL, describeChange } from "./audit-line";
import { type AuditPages, NO_PAGES, firstPage, withNewest, withOlder } from "./audit-pages";

/** Entries per page. */
const PAGE = 25;

type Filter = AuditAction | "";

/**
 * The audit log (`GET /api/admin/audit`): newest first, a page at a time ("Older" reads the next),
 * filtered by action. Whenever `refresh` changes (an audited admin event arrived, or the console's
 * relay connection joined the admins' room again) the newest page is read again and merged on
 * top (`audit-pages.ts`). An answer for a filter no longer chosen is dropped.
 */
export const AuditLog = memo(function AuditLog({ refresh }: { refresh: number }) {
  const [filter, setFilter] = useState<Filter>("");
  const [pages, setPages] = useState<AuditPages>(NO_PAGES);
  const [loading, setLoading] = useState({ first: true, older: false });
  const [problem, setProblem] = useState<string | null>(null);
  /** The filter shown, and a number that changes with it: answers read for another one are dropped. */
  const shown = useRef({ filter: "" as Filter, generation: 0 });

  const read = useCallback(async (mode: "first" | "newest" | { before: string }) => {
    const { filter: wanted, generation } = shown.current;
    const before = typeof mode === "object" ? mode.before : undefined;
    if (before !== undefined) setLoading((was) => ({ ...was, older: true }));
    const page = await fetchAudit({ limit: PAGE, action: wanted || undefined, before });
    if (shown.current.generation !== generation) return;
    setLoading((was) => (mode === "first" ? { first: false, older: was.older } : before !== undefined ? { ...was, older: false } : was));
    if (!page.ok) return setProblem(`Could not read the audit log: ${page.message}`);
    setProblem(null);
    if (mode === "first") setPages(firstPage(page.value));
    else if (before !== undefined) setPages((was) => withOlder(was, page.value, before));
    else setPages((was) => withNewest(was, page.value));
  }, []);

  useEffect(() => {
    shown.current = { filter, generation: shown.current.generation + 1 };
    setPages(NO_PAGES);
    setLoading({ first: true, older: false });
    void read("first");
  }, [filter, read]);

  useEffect(() => {
    if (refresh > 0) void read("newest");
  }, [refresh, read]);

  return (
    <section className="admin-panel audit-log" aria-label="Audit log">
      <h2>Audit log</h2>
      <div className="admin-controls">
        <label>
          Action
          <select name="audit-action" value={filter} onChange={(e) => setFilter(e.target.value as Filter)}>
            <option value="">All actions</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {ACTION_LABEL[a]}
              </option>
            ))}
          </select>
        </label>
      </div>
      {problem && (
        <p className="form-error" role="alert">
          {problem}
        </p>
      )}
      {pages.entries.length === 0 && !loading.first && !problem && <p className="muted">No entries.</p>}
      {pages.entries.length > 0 && (
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
            {pages.entries.map((entry) => (
              <AuditRow key={entry.id} entry={entry} />
            ))}
          </tbody>
        </table>
      )}
      {pages.next && (
        <div className="admin-controls">
          <button type="button" disabled={loading.older || loading.first} onClick={() => pages.next && void read({ before: pages.next })}>
            Older
          </button>
        </div>
      )}
    </section>
  );
});

/** One entry of the log: when, who, what, to what, and what changed. */
const AuditRow = memo(function AuditRow({ entry }: { entry: AuditEntryView }) {
  return (
    <tr data-testid="audit-entry" data-audit-id={entry.id} data-action={entry.action} data-target-id={entry.target.id}>
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
  );
});

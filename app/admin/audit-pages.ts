import { type AuditEntryView, type AuditPage, compareAuditIds } from "@/lib/protocol/audit";

/**
 * What the console's audit log panel shows: entries newest first, each once, with no gap between
 * any two of them, and where the next older page starts. Pages arrive from three kinds of reads
 * (the first page of a filter, the newest page again, the next older page) in any order; each
 * answer is merged by entry id.
 */
export interface AuditPages {
  entries: AuditEntryView[];
  /** The `before` of the next older page; null when the oldest entry is shown. */
  next: string | null;
}

export const NO_PAGES: AuditPages = { entries: [], next: null };

/** The first page of a filter: what is shown starts over. */
export function firstPage(page: AuditPage): AuditPages {
  return { entries: page.entries, next: page.next };
}

/**
 * The newest page read again, on top. When it does not reach the newest entry shown (more entries
 * than a page arrived since), merging would leave a silent gap in the middle, so the panel starts
 * over from this page instead. Entries below the oldest one shown (an answer overtaken by a
 * later one) are left to Older, which reads from there.
 */
export function withNewest(shown: AuditPages, page: AuditPage): AuditPages {
  const newestShown = shown.entries[0]?.id;
  const oldestShown = shown.entries.at(-1)?.id;
  const oldestRead = page.entries.at(-1)?.id;
  if (newestShown === undefined || oldestShown === undefined) return firstPage(page);
  if (page.next !== null && oldestRead !== undefined && compareAuditIds(oldestRead, newestShown) > 0) return firstPage(page);
  const within = shown.next === null ? page.entries : page.entries.filter((e) => compareAuditIds(e.id, oldestShown) > 0);
  return { entries: merge(shown.entries, within), next: shown.next };
}

/**
 * The next older page, read from `before`: below what is shown. An answer to a read that started
 * from another place than where the shown entries now end (the panel started over meanwhile) is
 * dropped, since it would not join what is shown.
 */
export function withOlder(shown: AuditPages, page: AuditPage, before: string): AuditPages {
  if (shown.next !== before) return shown;
  return { entries: merge(shown.entries, page.entries), next: page.next };
}

/** Both lists' entries, each once, newest first. */
function merge(shown: AuditEntryView[], read: AuditEntryView[]): AuditEntryView[] {
  const known = new Set(shown.map((e) => e.id));
  const fresh = read.filter((e) => !known.has(e.id));
  return fresh.length === 0 ? shown : [...fresh, ...shown].sort((a, b) => compareAuditIds(b.id, a.id));
}

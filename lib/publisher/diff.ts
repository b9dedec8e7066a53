import type { Change, EventOdds } from "../protocol";

/**
 * The changes that turn `prev` into `next` for one event, as leaf paths where possible:
 * a moved price is one change of a few bytes, not the whole event. Added or removed events,
 * markets and outcomes travel whole (or as null). Exactly inverse to `applyChanges`:
 * applying `diffEvent(id, a, b)` to `a` yields a value deep-equal to `b`.
 */
export function diffEvent(eventId: string, prev: EventOdds | undefined, next: EventOdds | undefined): Change[] {
  if (prev === next) return [];
  if (!prev || !next) return [{ eventId, path: "", value: next ?? null }];
  const out: Change[] = [];
  diffValue(prev, next, "", eventId, out);
  return out;
}

function diffValue(prev: unknown, next: unknown, path: string, eventId: string, out: Change[]): void {
  if (Object.is(prev, next)) return;
  if (!isPlainObject(prev) || !isPlainObject(next)) {
    out.push({ eventId, path, value: next ?? null });
    return;
  }
  for (const key of Object.keys(prev)) {
    if (!(key in next)) out.push({ eventId, path: join(path, key), value: null });
  }
  for (const key of Object.keys(next)) {
    if (!(key in prev)) out.push({ eventId, path: join(path, key), value: next[key] });
    else diffValue(prev[key], next[key], join(path, key), eventId, out);
  }
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

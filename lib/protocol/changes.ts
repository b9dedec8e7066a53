import { z } from "zod";
import { BestPrice, EventOdds, Id, MarketOdds, OutcomeOdds, Score } from "./odds";

/** The records of EventOdds: a null value at one of their keys removes the entry. */
const RECORDS = new Set(["markets", "outcomes"]);

/** Schema of the value a path may carry, or null when the path is not part of EventOdds. */
function schemaAt(segments: readonly string[]): z.ZodType | null {
  if (segments.length === 0) return EventOdds.nullable();
  const [field, key, ...rest] = segments;
  if (field === "markets") return key === undefined ? null : marketSchemaAt(rest);
  if (field === "score") return objectFieldAt(Score, [key, ...rest].filter(isDefined), Score.nullable());
  if (segments.length !== 1 || field === undefined || field === "markets") return null;
  return (EventOdds.shape as Record<string, z.ZodType>)[field] ?? null;
}

function marketSchemaAt(segments: readonly string[]): z.ZodType | null {
  if (segments.length === 0) return MarketOdds.nullable();
  const [field, key, ...rest] = segments;
  if (field === "outcomes") return key === undefined ? null : outcomeSchemaAt(rest);
  if (segments.length !== 1 || field === undefined) return null;
  return (MarketOdds.shape as Record<string, z.ZodType>)[field] ?? null;
}

function outcomeSchemaAt(segments: readonly string[]): z.ZodType | null {
  if (segments.length === 0) return OutcomeOdds.nullable();
  const [field, ...rest] = segments;
  if (field === "best") return objectFieldAt(BestPrice, rest, BestPrice.nullable());
  if (segments.length !== 1 || field === undefined) return null;
  return (OutcomeOdds.shape as Record<string, z.ZodType>)[field] ?? null;
}

function objectFieldAt(object: z.ZodObject, rest: readonly string[], whole: z.ZodType): z.ZodType | null {
  if (rest.length === 0) return whole;
  if (rest.length !== 1 || rest[0] === undefined) return null;
  return (object.shape as Record<string, z.ZodType>)[rest[0]] ?? null;
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}

export function splitPath(path: string): string[] {
  return path === "" ? [] : path.split(".");
}

/**
 * A delta is a list of changes, each setting one value inside one event:
 *
 *   { eventId, path: "",                                 value: EventOdds | null }  add / remove an event
 *   { eventId, path: "status",                           value: "suspended" }
 *   { eventId, path: "markets.totals",                   value: MarketOdds | null } add / remove a market
 *   { eventId, path: "markets.h2h.outcomes.home.price",  value: 2.14 }
 *
 * `markets` and `outcomes` are records: null there removes the entry. Everywhere else null is a
 * value (e.g. `fair` with no bookmaker prices). Every other object is replaced or diffed field by
 * field; its fields never disappear. The schema checks each value against its path.
 */
export const Change = z.object({ eventId: Id, path: z.string().max(256), value: z.unknown() }).superRefine((change, ctx) => {
  const schema = schemaAt(splitPath(change.path));
  if (!schema) {
    ctx.addIssue({ code: "custom", message: `unknown path "${change.path}"`, path: ["path"] });
    return;
  }
  const result = schema.safeParse(change.value);
  if (!result.success) {
    ctx.addIssue({ code: "custom", message: `bad value at "${change.path}": ${result.error.issues[0]?.message ?? "invalid"}`, path: ["value"] });
  }
});
export type Change = z.infer<typeof Change>;

/**
 * Applies changes to a map of events in order. Events are replaced, never mutated: every object on
 * a changed path is copied, everything else is shared, so `prev !== next` tells a renderer exactly
 * which event, market and outcome changed. Returns the ids of the events it touched.
 */
export function applyChanges(events: Map<string, EventOdds>, changes: readonly Change[]): Set<string> {
  const touched = new Set<string>();
  for (const change of changes) {
    touched.add(change.eventId);
    const segments = splitPath(change.path);
    if (segments.length === 0) {
      if (change.value === null) events.delete(change.eventId);
      else events.set(change.eventId, change.value as EventOdds);
      continue;
    }
    const current = events.get(change.eventId);
    if (!current) continue; // a field of an event we do not hold: its add will carry the whole event
    events.set(change.eventId, setIn(current, segments, change.value) as EventOdds);
  }
  return touched;
}

function setIn(target: unknown, segments: readonly string[], value: unknown, parentKey?: string): unknown {
  const [head, ...rest] = segments;
  if (head === undefined) return value;
  const source = (target && typeof target === "object" ? target : {}) as Record<string, unknown>;
  const copy: Record<string, unknown> = { ...source };
  if (rest.length === 0 && value === null && parentKey !== undefined && RECORDS.has(parentKey)) {
    delete copy[head];
    return copy;
  }
  if (rest.length > 0 && source[head] === undefined && parentKey !== undefined && RECORDS.has(parentKey)) {
    return source; // a field of a market or outcome we do not hold: its add carries it whole
  }
  copy[head] = setIn(source[head], rest, value, head);
  return copy;
}

import { type EventOdds, type OddsDelta, type OddsSnapshot, type SportsSummary, applyChanges, sortEvents, supersedes } from "../protocol";

/**
 * The browser's live odds: per sport, a snapshot plus every delta applied strictly in seq order.
 * Out-of-order deltas wait in a buffer; a missing seq asks for a resync instead of guessing.
 * Subscriptions are per event (a price move re-renders one row) and per sport (only adds,
 * removals and reorders re-render the list). Event objects are replaced, never mutated.
 *
 * Data changes at once (seq and gap logic stay exact and synchronous, and a getter read between
 * apply and notification already returns the new object), but listeners are told at most once per
 * animation frame: a burst of deltas touching one event re-renders its row once, and every row
 * changed in a frame commits in one React flush instead of one per socket message.
 */

export interface LeagueGroup {
  league: string;
  ids: string[];
}

interface SportEntry {
  seq: number;
  ts: number;
  events: Map<string, EventOdds>;
  groups: LeagueGroup[];
  /** Deltas that arrived ahead of a missing seq, by seq. */
  buffer: Map<number, OddsDelta>;
}

export type DeltaOutcome = "applied" | "duplicate" | "buffered" | "no-snapshot";

/**
 * When listeners hear of changes: `"frame"` coalesces them into one flush per animation frame
 * (`setTimeout(0)` where there is no `requestAnimationFrame`, as in Node); `"sync"` tells them at
 * once, as every change lands (the bench's unbatched baseline).
 */
export type FlushMode = "frame" | "sync";

type Listeners = Map<string, Set<() => void>>;

/**
 * Schedules `run` once per animation frame, in a task of its own right after the frame's callback
 * (`setTimeout(0)` alone where nothing paints). Rendering inside the rAF callback would add React's
 * work to the frame's style, layout and paint in one task: bench/page.ts saw that turn 60 ms
 * commits on a 500-row board into long tasks that the unbatched board did not have.
 */
function nextFrame(run: () => void): void {
  if (typeof requestAnimationFrame === "function") requestAnimationFrame(() => setTimeout(run, 0));
  else setTimeout(run, 0);
}

export class OddsStore {
  private readonly sports = new Map<string, SportEntry>();
  private readonly eventListeners: Listeners = new Map();
  private readonly listListeners: Listeners = new Map();
  private counts: SportsSummary | null = null;
  private readonly summaryListeners: Listeners = new Map();
  /** Names whose listeners the next flush tells, per listener map; empty when none is scheduled. */
  private readonly pending = new Map<Listeners, Set<string>>();
  private scheduled = false;
  private readonly mode: FlushMode;
  /** Called when a gap needs filling: the connection asks the relay to resume from `seq`. */
  onGap: (sport: string, seq: number) => void = () => {};

  constructor(options: { flush?: FlushMode } = {}) {
    this.mode = options.flush ?? "frame";
  }

  has(sport: string): boolean {
    return this.sports.has(sport);
  }

  seq(sport: string): number | null {
    return this.sports.get(sport)?.seq ?? null;
  }

  event(sport: string, id: string): EventOdds | undefined {
    return this.sports.get(sport)?.events.get(id);
  }

  groups(sport: string): LeagueGroup[] | undefined {
    return this.sports.get(sport)?.groups;
  }

  /** Event counts of every sport on the board (held or not), or null before any arrived. */
  summary(): SportsSummary | null {
    return this.counts;
  }

  /** Takes the board summary if it supersedes the one held; tells summary listeners. */
  applySummary(summary: SportsSummary): boolean {
    if (!supersedes(summary, this.counts)) return false;
    this.counts = summary;
    this.notify(this.summaryListeners, "");
    return true;
  }

  subscribeSummary(listener: () => void): () => void {
    return this.listen(this.summaryListeners, "", listener);
  }

  /** Replaces a sport's state, unless we already hold a newer seq (a late snapshot). */
  applySnapshot(snapshot: OddsSnapshot & { resync?: boolean }): boolean {
    const held = this.sports.get(snapshot.sport);
    if (held && held.seq > snapshot.seq && !snapshot.resync) return false;
    const previous = held?.events;
    const events = new Map<string, EventOdds>();
    for (const event of snapshot.events) {
      // Keep the old object where nothing changed, so unchanged rows do not re-render.
      const old = previous?.get(event.id);
      events.set(event.id, old && JSON.stringify(old) === JSON.stringify(event) ? old : event);
    }
    const entry: SportEntry = { seq: snapshot.seq, ts: snapshot.ts, events, groups: group(events), buffer: new Map() };
    for (const [seq, delta] of held?.buffer ?? []) if (seq > snapshot.seq) entry.buffer.set(seq, delta);
    this.sports.set(snapshot.sport, entry);
    for (const id of new Set([...(previous?.keys() ?? []), ...events.keys()])) {
      if (previous?.get(id) !== events.get(id)) this.notify(this.eventListeners, key(snapshot.sport, id));
    }
    this.notify(this.listListeners, snapshot.sport);
    this.drain(snapshot.sport, entry);
    return true;
  }

  /** Applies a delta if it is the next seq; buffers it if it is early (and reports the gap). */
  applyDelta(delta: OddsDelta): DeltaOutcome {
    const entry = this.sports.get(delta.sport);
    if (!entry) return "no-snapshot";
    if (delta.seq <= entry.seq) return "duplicate";
    if (delta.prevSeq !== entry.seq) {
      const firstGap = entry.buffer.size === 0;
      entry.buffer.set(delta.seq, delta);
      if (firstGap) this.onGap(delta.sport, entry.seq);
      return "buffered";
    }
    this.apply(delta.sport, entry, delta);
    this.drain(delta.sport, entry);
    return "applied";
  }

  private drain(sport: string, entry: SportEntry): void {
    for (let next = entry.buffer.get(entry.seq + 1); next; next = entry.buffer.get(entry.seq + 1)) {
      entry.buffer.delete(next.seq);
      this.apply(sport, entry, next);
    }
    for (const seq of entry.buffer.keys()) if (seq <= entry.seq) entry.buffer.delete(seq);
  }

  private apply(sport: string, entry: SportEntry, delta: OddsDelta): void {
    const before = new Map([...new Set(delta.changes.map((c) => c.eventId))].map((id) => [id, entry.events.get(id)]));
    const touched = applyChanges(entry.events, delta.changes);
    entry.seq = delta.seq;
    entry.ts = delta.ts;
    let structural = false;
    for (const id of touched) {
      const prev = before.get(id);
      const next = entry.events.get(id);
      if (!prev || !next || prev.league !== next.league || prev.startsAt !== next.startsAt) structural = true;
      this.notify(this.eventListeners, key(sport, id));
    }
    if (structural) {
      entry.groups = group(entry.events);
      this.notify(this.listListeners, sport);
    }
  }

  subscribeEvent(sport: string, id: string, listener: () => void): () => void {
    return this.listen(this.eventListeners, key(sport, id), listener);
  }

  subscribeList(sport: string, listener: () => void): () => void {
    return this.listen(this.listListeners, sport, listener);
  }

  private listen(map: Listeners, name: string, listener: () => void): () => void {
    let set = map.get(name);
    if (!set) map.set(name, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) map.delete(name);
    };
  }

  /** Tells the listeners of `name`, now (sync mode) or in the next flush, once however often called. */
  private notify(map: Listeners, name: string): void {
    if (this.mode === "sync") {
      for (const listener of map.get(name) ?? []) listener();
      return;
    }
    if (!map.has(name)) return; // nobody listens: nothing to schedule
    let names = this.pending.get(map);
    if (!names) this.pending.set(map, (names = new Set()));
    names.add(name);
    if (!this.scheduled) {
      this.scheduled = true;
      nextFrame(() => this.flush());
    }
  }

  /**
   * Tells every listener whose slice changed since the last flush, once each. Listeners are looked
   * up now, so one that unsubscribed in the meantime is not called. Runs by itself once per frame;
   * callers may run it early (a test, or a caller that must see listeners told before it goes on).
   */
  flush(): void {
    this.scheduled = false;
    const batch = [...this.pending];
    this.pending.clear();
    for (const [map, names] of batch) {
      for (const name of names) {
        // A copy, and a check on each, so a listener another one removed mid-flush is not called.
        for (const listener of [...(map.get(name) ?? [])]) if (map.get(name)?.has(listener)) listener();
      }
    }
  }
}

function key(sport: string, id: string): string {
  return `${sport}\u0000${id}`;
}

/** Leagues in order of their first event's start; events by start time within each. */
function group(events: Map<string, EventOdds>): LeagueGroup[] {
  const groups = new Map<string, string[]>();
  for (const event of sortEvents([...events.values()])) {
    const ids = groups.get(event.league) ?? [];
    ids.push(event.id);
    groups.set(event.league, ids);
  }
  return [...groups].map(([league, ids]) => ({ league, ids }));
}

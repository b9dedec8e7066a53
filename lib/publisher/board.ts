import type { EventOdds, SportCount } from "../protocol";
import type { EventWrite, SportState } from "./state-store";

/** Where the board says why a sport must be republished whole. */
export interface BoardLog {
  warn(details: object, message: string): void;
}

/**
 * The board as the leader last committed it to Redis: per sport its seq and events, which sport
 * holds each event, the sports whose Redis state fell behind, and whether memory can be trusted
 * at all. Every change goes through one method here, so the per-sport events and the event →
 * sport index never disagree, and a sport marked behind always asks for a reconcile.
 */
export class Board {
  private readonly sports = new Map<string, SportState>();
  /** eventId → the sport whose state holds it, to remove events that move or leave the board. */
  private readonly eventSport = new Map<string, string>();
  /** Sports whose Redis state fell behind: the next reconcile rewrites them at a higher seq. */
  private readonly behind = new Set<string>();
  /** Whether the sports were read from Redis since memory was last doubted. */
  loaded = false;
  /** True until the first reconcile, and again after anything that makes memory doubtful. */
  reconcileNeeded = true;

  constructor(private readonly log: BoardLog) {}

  /** Forgets every sport (before reading them all from Redis again). */
  clear(): void {
    this.sports.clear();
    this.eventSport.clear();
  }

  /** Replaces one sport with the state Redis holds for it. */
  load(sport: string, state: SportState): void {
    for (const [id, owner] of this.eventSport) if (owner === sport) this.eventSport.delete(id);
    this.sports.set(sport, state);
    for (const id of state.events.keys()) this.eventSport.set(id, sport);
  }

  /** The sports held, in insertion order. */
  sportKeys(): string[] {
    return [...this.sports.keys()];
  }

  /** Every event on the board, whatever its sport. */
  eventIds(): string[] {
    return [...this.eventSport.keys()];
  }

  /** The sport whose state holds the event, if any. */
  sportOf(eventId: string): string | undefined {
    return this.eventSport.get(eventId);
  }

  /** The event as `sport` last committed it (undefined: that sport does not hold it). */
  eventIn(sport: string, eventId: string): EventOdds | undefined {
    return this.sports.get(sport)?.events.get(eventId);
  }

  /** The event as last committed, in whichever sport holds it. */
  event(eventId: string): EventOdds | undefined {
    const sport = this.eventSport.get(eventId);
    return sport === undefined ? undefined : this.eventIn(sport, eventId);
  }

  /** The sport's last committed seq (0 for a sport never committed). */
  seq(sport: string): number {
    return this.sports.get(sport)?.seq ?? 0;
  }

  /** Moves a held sport's seq on to `seq` without writing, so no seq clients may hold is reused. */
  skipTo(sport: string, seq: number): void {
    const state = this.sports.get(sport);
    if (state) state.seq = seq;
  }

  /** The sport's events with `writes` applied, as a whole-sport rewrite would hold them. */
  eventsAfter(sport: string, writes: readonly EventWrite[]): Map<string, EventOdds> {
    const events = new Map(this.sports.get(sport)?.events);
    for (const write of writes) {
      if (write.event) events.set(write.eventId, write.event);
      else events.delete(write.eventId);
    }
    return events;
  }

  /** Records a commit of `writes` to `sport` at `seq`. */
  apply(sport: string, writes: readonly EventWrite[], seq: number): void {
    const state = this.sports.get(sport) ?? { seq: 0, events: new Map<string, EventOdds>() };
    state.seq = seq;
    for (const write of writes) {
      if (write.event) {
        state.events.set(write.eventId, write.event);
        this.eventSport.set(write.eventId, sport);
      } else {
        state.events.delete(write.eventId);
        if (this.eventSport.get(write.eventId) === sport) this.eventSport.delete(write.eventId);
      }
    }
    this.sports.set(sport, state);
  }

  /** Redis lost writes of `sport`: the next reconcile republishes it whole. Logged once per sport. */
  markBehind(sport: string, why: string): void {
    if (!this.behind.has(sport)) this.log.warn({ sport, why }, "Redis is behind; the sport will be republished whole");
    this.behind.add(sport);
    this.reconcileNeeded = true;
  }

  /** The sports waiting to be republished whole. */
  behindSports(): string[] {
    return [...this.behind];
  }

  isBehind(sport: string): boolean {
    return this.behind.has(sport);
  }

  /** `sport` was republished whole. */
  caughtUp(sport: string): void {
    this.behind.delete(sport);
  }

  /** Someone wrote behind our back: read every sport from Redis again and reconcile. */
  doubt(): void {
    this.reconcileNeeded = true;
    this.loaded = false;
  }

  /**
   * Events on the board and events in play, per sport, as last committed (what pages' sport tabs
   * show). One pass over the held events; sports in key order.
   */
  summary(): SportCount[] {
    return [...this.sports]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([sport, state]) => {
        let live = 0;
        for (const event of state.events.values()) if (event.phase === "live") live += 1;
        return { sport, events: state.events.size, live };
      });
  }
}

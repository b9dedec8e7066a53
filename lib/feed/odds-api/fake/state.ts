import { BOOKMAKERS, MARKETS, SPORTS } from "./fixtures";
import type { FakeControl, FakeEventSummary, FakeStats, FaultRequest, MoveRequest, ScoreRequest, Tally } from "./control";
import { type FakeEvent, type Overrides, createEvents, isCompleted, isLive, iso, overrideKey } from "./market";

/** Thrown by a control operation on something that does not exist: the route answers 404. */
export class ControlError extends Error {}

export interface FakeStateOptions {
  seed: number;
  now?: () => number;
  /** Credits per period, as a plan's monthly quota. */
  monthlyCredits: number;
  /** How often each bookmaker moves its prices, ms. */
  driftMs: number;
}

/**
 * Everything the fake remembers: events, moved prices, the credit ledger, the fault in force and
 * the call counts. The HTTP layer (server.ts) asks it; the control object changes it.
 */
export class FakeState implements FakeControl {
  readonly games: FakeEvent[];
  readonly overrides: Overrides = new Map();
  private pinnedMs: number | null = null;
  private faultInForce: FaultRequest | null = null;
  used = 0;
  private tallies = new Map<string, Tally>();

  constructor(private readonly options: FakeStateOptions) {
    this.games = createEvents(options.seed, this.now());
  }

  get seed(): number {
    return this.options.seed;
  }

  get driftMs(): number {
    return this.options.driftMs;
  }

  now(): number {
    return this.pinnedMs ?? (this.options.now ?? Date.now)();
  }

  get remaining(): number {
    return Math.max(0, this.options.monthlyCredits - this.used);
  }

  event(id: string): FakeEvent {
    const event = this.games.find((e) => e.id === id);
    if (!event) throw new ControlError(`no event ${id}`);
    return event;
  }

  /** The fault for the next answer, if any, counted down. */
  takeFault(): FaultRequest | null {
    const fault = this.faultInForce;
    if (!fault || fault.mode === "none") return null;
    if (fault.count !== undefined) {
      this.faultInForce = fault.count > 1 ? { ...fault, count: fault.count - 1 } : null;
    }
    return fault;
  }

  record(endpoint: string, sport: string | null, credits: number, call: boolean): void {
    for (const key of [`endpoint:${endpoint}`, ...(sport ? [`sport:${sport}:${endpoint}`] : []), "all"]) {
      const tally = this.tallies.get(key) ?? { calls: 0, credits: 0 };
      if (call) tally.calls += 1;
      tally.credits += credits;
      this.tallies.set(key, tally);
    }
  }

  fault(request: FaultRequest): void {
    this.faultInForce = request.mode === "none" ? null : request;
  }

  move(request: MoveRequest): void {
    const event = this.event(request.eventId);
    const books = request.bookmaker ? BOOKMAKERS.filter((b) => b.key === request.bookmaker) : BOOKMAKERS;
    if (books.length === 0) throw new ControlError(`no bookmaker ${request.bookmaker}`);
    const names =
      request.market === "totals" ? ["Over", "Under"] : [event.home, event.away, ...(event.sport.threeWay && request.market === "h2h" ? ["Draw"] : [])];
    if (!names.includes(request.outcome)) throw new ControlError(`no outcome ${request.outcome} in ${request.market} (${names.join(", ")})`);
    for (const book of books) {
      this.overrides.set(overrideKey(event.id, book.key, request.market, request.outcome), { price: request.price, atMs: this.now() });
    }
  }

  score(request: ScoreRequest): void {
    this.event(request.eventId).scoreOverride = { home: request.home, away: request.away, atMs: this.now() };
  }

  complete(eventId: string): void {
    const event = this.event(eventId);
    event.completedAtMs ??= this.now();
  }

  clock(nowMs: number | null): void {
    this.pinnedMs = nowMs;
  }

  stats(): FakeStats {
    const all = this.tallies.get("all") ?? { calls: 0, credits: 0 };
    const stats: FakeStats = { ...all, used: this.used, remaining: this.remaining, byEndpoint: {}, bySport: {} };
    for (const [key, tally] of this.tallies) {
      const [kind, a, b] = key.split(":");
      if (kind === "endpoint" && a) stats.byEndpoint[a] = { ...tally };
      if (kind === "sport" && a && b) (stats.bySport[a] ??= {})[b] = { ...tally };
    }
    return stats;
  }

  events(sport?: string): FakeEventSummary[] {
    const now = this.now();
    return this.games
      .filter((e) => !sport || e.sport.key === sport)
      .map((e) => ({
        id: e.id,
        sport: e.sport.key,
        home: e.home,
        away: e.away,
        commenceTime: iso(e.commenceMs),
        live: isLive(e, now),
        completed: isCompleted(e, now),
      }));
  }

  reset(): void {
    this.faultInForce = null;
    this.tallies.clear();
    this.used = 0;
  }
}

export const knownSport = (key: string) => SPORTS.find((s) => s.key === key);
export const knownMarkets = (requested: string[]) => MARKETS.filter((m) => requested.includes(m));

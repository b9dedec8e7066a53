// Over 300 lines: the poller's step (plan, poll, write, bet stop, reopen, report) reads top to bottom here; its parts (planner, client, policies, mapper) are modules of their own.
import type { Redis } from "ioredis";
import { tellAdmins } from "../../admin-events";
import type { Db } from "../../db";
import type { Logger } from "../../log";
import { errorMessage } from "../../errors";
import { KEYS, REASON_MAX, type SourceReport, type SportPlanView, readSourceReport } from "../../protocol";
import type { ProductionReport } from "../heartbeat";
import type { ProducerHooks, Production } from "../leadership";
import { type Fence, FencedError, NO_FENCE } from "../producer-term";
import type { BreakerState, Endpoint, OddsApi } from "./api";
import { reopenMarkets, suspendEvents } from "./bet-stop";
import { ensureSports, writeOdds, writeScores } from "./mapper";
import { type Plan, type SportSchedule, SpendLedger, nextDue, plan } from "./planner";
import { type Usage, scoresCost } from "./schemas";
import { SourceHealth } from "./source-health";
import { sportVouches } from "./vouch";

export interface PollerConfig {
  /** Sport keys asked for (ODDS_API_SPORTS). */
  sports: string[];
  markets: string[];
  monthlyCredits: number;
  minIntervalMs: number;
  /** Credits per odds call (markets × regions). */
  oddsCost: number;
  /** How often the free fixture list is read per sport, ms. */
  fixturesEveryMs?: number;
}

export interface PollerDeps {
  db: Db;
  redis: Redis;
  api: OddsApi;
  log: Logger;
  config: PollerConfig;
  now?: () => number;
  /** Unset: it may always reopen, and a fenced write is only logged (tests that run the poller alone). */
  hooks?: ProducerHooks;
}

/** Credits kept back from the plan: 5 % of the month, at least 10 (restarts, a manual check). */
const reserveOf = (monthly: number) => Math.max(10, Math.ceil(monthly * 0.05));
/** The report expires this long after its last write, so a dead poller stops speaking for the source. */
const REPORT_TTL_MS = 15_000;
const FIXTURES_EVERY_MS = 10 * 60_000;
/** Quota warnings go out once when the credits left cross each of these shares of the month. */
const QUOTA_WARNINGS = [0.25, 0.1, 0.02];

/**
 * The Odds API poller: one for all users (the feed instance holding the producer's lease runs it).
 * Every second it plans (where the month's credits do the most good: in-play first), polls what is
 * due, writes what moved into Postgres behind the producer's fence (the triggers and the publisher
 * do the rest), stops bets on an event whose score changed, reopens the markets a fresh poll
 * priced, and reports its state to Redis for the status API, the console and /api/metrics. Its
 * beat (`report`) says per sport how long its prices are vouched for.
 */
export class OddsApiPoller implements Production {
  private readonly now: () => number;
  private readonly health: SourceHealth;
  private readonly ledger = new SpendLedger();
  private readonly fixtures = new Map<string, SportSchedule>();
  private readonly fixturesAt = new Map<string, number>();
  private readonly lastOdds = new Map<string, number>();
  /** Per sport, when its last odds poll that was written was answered, ms since epoch: what the beat vouches from. */
  private readonly lastOddsWritten = new Map<string, number>();
  private lastProducedAt: number | null = null;
  private fence: Fence = NO_FENCE;
  /** Bumped by every start and stop, so a loop of an earlier run never reschedules itself. */
  private generation = 0;
  /** Between start and stop: once stopped (lease lost), the step in flight makes no further call. */
  private producing = false;
  private readonly lastScores = new Map<string, number>();
  private usage: (Usage & { at: number }) | null = null;
  private sports: string[] = [];
  /** Whether the provider's sports list was read (once is enough: it changes with the seasons, not by the minute). */
  private discovered = false;
  private unknownSports: string[] = [];
  private current: Plan | null = null;
  /** The predecessor's plan, taken over with its schedule: what the beat vouches by until this instance has planned. */
  private inherited: Pick<SportPlanView, "sport" | "oddsIntervalMs">[] = [];
  private readonly counts = { calls: 0, failures: 0, malformed: 0, dropped: {} as Record<string, number>, suspended: 0, reopened: 0 };
  private warned = new Set<number>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly deps: PollerDeps) {
    this.now = deps.now ?? Date.now;
    this.health = new SourceHealth(this.now());
  }

  /** The client's events (wire them into createOddsApiClient's `events`). */
  readonly events = {
    usage: (usage: Usage) => this.onUsage(usage),
    breaker: (endpoint: Endpoint, state: BreakerState) => this.onBreaker(endpoint, state),
    malformed: () => {
      this.counts.malformed += 1;
    },
  };

  /**
   * Starts the loop under `fence` (every write checks the producer's term): one step a second,
   * never two at once. It first takes over its predecessor's schedule, so that it goes on
   * vouching for what was polled and polls each sport when it falls due, not all at once.
   */
  async start(fence: Fence = NO_FENCE): Promise<void> {
    this.fence = fence;
    this.producing = true;
    await this.takeOver();
    const generation = ++this.generation;
    const loop = () => {
      this.running = this.step().catch((error: unknown) => this.failed(error));
      void this.running.finally(() => {
        if (this.generation === generation) this.timer = setTimeout(loop, 1_000);
      });
    };
    this.timer = setTimeout(loop, 0);
  }

  async stop(): Promise<void> {
    this.producing = false;
    this.generation += 1;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass: discover sports once, refresh fixtures, plan, poll what is due, report. */
  async step(): Promise<void> {
    if (!this.discovered && this.deps.api.stopped() === null) await this.discover();
    if (this.deps.api.stopped() === null && this.sports.length > 0) {
      await this.refreshFixtures();
      this.current = this.plan();
      for (const sport of this.current.sports) await this.pollDue(sport.sport, sport.oddsIntervalMs, sport.scoresIntervalMs);
    }
    await this.writeReport();
  }

  /** What its beat says: the source's health, and per polled sport until when its prices are vouched for. */
  report(): ProductionReport {
    const stopped = this.deps.api.stopped();
    return {
      state: stopped ? "stopped" : this.health.state,
      reason: stopped ? `${stopped.code}: ${stopped.message}` : this.health.reason,
      lastProducedAt: this.lastProducedAt,
      sports: sportVouches(this.current?.sports ?? this.inherited, this.lastOddsWritten),
    };
  }

  /**
   * Carries on from the poller that was active before (failover, a handover, a restart): from its
   * last report (`source:status`, current for 15 s after its last step) it takes, per configured
   * sport, when odds were last polled and last written, and the plan's intervals. Without this a
   * new poller would vouch for nothing until it had polled every sport (the publisher would stop
   * bets on every in-play market meanwhile) and would spend a round of credits at once. Times are
   * the predecessor's clock's; the later of its and this instance's own is kept. With no report
   * (a cold start) nothing is vouched for until each sport's first poll, which the planner makes at once.
   */
  private async takeOver(): Promise<void> {
    const report = await readSourceReport(this.deps.redis).catch(() => null);
    const sports = (report?.plan?.sports ?? []).filter((view) => this.deps.config.sports.includes(view.sport));
    if (sports.length === 0) return;
    for (const view of sports) {
      if (view.lastOddsAt !== null) this.lastOdds.set(view.sport, Math.max(view.lastOddsAt, this.lastOdds.get(view.sport) ?? 0));
      if (view.lastWrittenAt !== null) this.lastOddsWritten.set(view.sport, Math.max(view.lastWrittenAt, this.lastOddsWritten.get(view.sport) ?? 0));
    }
    this.inherited = sports.map(({ sport, oddsIntervalMs }) => ({ sport, oddsIntervalMs }));
    this.deps.log.info({ sports: sports.map((view) => view.sport) }, "took over the previous poller's schedule and what it vouched for");
  }

  /** A step that failed: a fenced write hands production over; anything else is logged and the next step tries again. */
  private failed(error: unknown): void {
    if (error instanceof FencedError && this.deps.hooks) {
      this.deps.hooks.fenced(error);
      return;
    }
    this.deps.log.error({ err: errorMessage(error) }, "poller step failed");
  }

  /** Reads the provider's sports (free): unknown keys are reported once and skipped; known ones get their Sport row. */
  private async discover(): Promise<void> {
    const answer = await this.call(() => this.deps.api.sports());
    if (!answer) return;
    const offered = new Map(answer.data.map((sport) => [sport.key, sport]));
    this.unknownSports = this.deps.config.sports.filter((key) => !offered.has(key));
    if (this.unknownSports.length)
      this.deps.log.error(
        { unknown: this.unknownSports, known: [...offered.keys()].slice(0, 50) },
        "ODDS_API_SPORTS names sports The Odds API does not offer; they are skipped",
      );
    const known = this.deps.config.sports.filter((key) => offered.has(key));
    await ensureSports(
      this.deps.db,
      known.map((key) => offered.get(key)).filter((sport) => sport !== undefined),
      { fence: this.fence },
    );
    this.sports = known;
    this.discovered = true;
    if (known.length === 0) this.deps.log.error("none of ODDS_API_SPORTS is offered by The Odds API: nothing to poll");
  }

  /** The free fixture list of each sport, every 10 minutes: what the planner plans with. */
  private async refreshFixtures(): Promise<void> {
    const every = this.deps.config.fixturesEveryMs ?? FIXTURES_EVERY_MS;
    for (const sport of this.sports) {
      if (this.now() - (this.fixturesAt.get(sport) ?? Number.NEGATIVE_INFINITY) < every) continue;
      const answer = await this.call(() => this.deps.api.events(sport));
      if (!answer) continue;
      this.fixturesAt.set(sport, this.now());
      this.fixtures.set(sport, { sport, events: answer.data.map((event) => ({ id: event.id, commence: Date.parse(event.commence_time), completed: false })) });
    }
  }

  private plan(): Plan {
    const now = this.now();
    const remaining = this.usage?.remaining ?? this.deps.config.monthlyCredits;
    return plan({
      now,
      periodEnd: periodEnd(now),
      remaining,
      oddsCost: this.deps.config.oddsCost,
      scoresCost: scoresCost(true),
      minIntervalMs: this.deps.config.minIntervalMs,
      reserve: reserveOf(this.deps.config.monthlyCredits),
      sports: this.sports.map((sport) => ({ ...(this.fixtures.get(sport) ?? { sport, events: [] }), lastPolledAt: this.lastOdds.get(sport) ?? null })),
    });
  }

  private async pollDue(sport: string, oddsEvery: number | null, scoresEvery: number | null): Promise<void> {
    const now = this.now();
    const oddsAt = nextDue(this.lastOdds.get(sport) ?? null, oddsEvery, now);
    if (oddsAt !== null && oddsAt <= now && this.deps.api.blockedUntil() <= now) await this.pollOdds(sport);
    const scoresAt = nextDue(this.lastScores.get(sport) ?? null, scoresEvery, now);
    if (scoresAt !== null && scoresAt <= this.now() && this.deps.api.blockedUntil() <= this.now()) await this.pollScores(sport);
  }

  /**
   * Odds of one sport: what moved is written, and the markets the feed suspended that this poll
   * brought a complete book for, updated since, reopen (only while the publisher can see this
   * poller as live).
   */
  private async pollOdds(sport: string): Promise<void> {
    const answer = await this.call(() => this.deps.api.odds(sport));
    const answeredAt = this.now();
    this.lastOdds.set(sport, answeredAt); // a failure waits for the next due time too: no retry loop
    if (!answer) return;
    this.spent(sport, "odds", answer.usage);
    const written = await writeOdds(this.deps.db, sport, answer.data, { markets: this.deps.config.markets, fence: this.fence });
    this.lastOddsWritten.set(sport, answeredAt);
    this.lastProducedAt = this.now();
    for (const [reason, count] of Object.entries(written.drops)) this.counts.dropped[reason] = (this.counts.dropped[reason] ?? 0) + count;
    if (this.deps.hooks && !this.deps.hooks.mayReopen()) return;
    await this.deps.hooks?.vouchNow();
    const reopened = await reopenMarkets(this.deps.db, written.quoted, this.fence);
    this.counts.reopened += reopened;
    if (reopened)
      this.deps.log.info({ sport, markets: reopened }, "fresh prices arrived: reopened the markets the feed had suspended that a book re-priced since");
  }

  /** Scores of a sport with events in play: a changed score stops bets on that event at once. */
  private async pollScores(sport: string): Promise<void> {
    // daysFrom=1: the provider lists an event that finished only with it, and we need to see it end.
    const answer = await this.call(() => this.deps.api.scores(sport, 1));
    this.lastScores.set(sport, this.now());
    if (!answer) return;
    this.spent(sport, "scores", answer.usage);
    const { scoreChanged } = await writeScores(this.deps.db, answer.data, { fence: this.fence });
    const suspended = await suspendEvents(this.deps.db, scoreChanged, this.fence);
    this.counts.suspended += suspended;
    if (suspended) this.deps.log.info({ sport, events: scoreChanged.length, markets: suspended }, "score changed: markets suspended until fresh prices arrive");
  }

  /**
   * Runs one API call; a failure is counted, recorded in the health and answered with null. After
   * stop none is made: a poller that lost its lease must not spend its successor's credits.
   */
  private async call<T>(work: () => Promise<T>): Promise<T | null> {
    if (!this.producing) return null;
    this.counts.calls += 1;
    try {
      const result = await work();
      this.health.succeeded(this.now());
      return result;
    } catch (error) {
      this.counts.failures += 1;
      this.health.failed(error, this.now());
      return null;
    }
  }

  /** What a call cost, as the provider says (x-requests-last), by sport and day. */
  private spent(sport: string, endpoint: Endpoint, usage: Usage | null): void {
    if (usage) this.ledger.record({ sport, endpoint, credits: usage.last, at: this.now() });
  }

  private onUsage(usage: Usage): void {
    const now = this.now();
    this.usage = { ...usage, at: now };
    const share = usage.remaining / this.deps.config.monthlyCredits;
    for (const threshold of QUOTA_WARNINGS) {
      if (share > threshold || this.warned.has(threshold)) continue;
      this.warned.add(threshold);
      const reason = `${usage.remaining} credits left of ${this.deps.config.monthlyCredits} (${Math.round(share * 100)} %)`;
      this.deps.log.warn({ remaining: usage.remaining, used: usage.used }, `The Odds API: ${reason}`);
      void tellAdmins(this.deps.redis, "quota_warning", { remaining: usage.remaining, used: usage.used, reason });
    }
  }

  /** The client logs the change; admins hear it here, with the health's reason. */
  private onBreaker(endpoint: Endpoint, state: BreakerState): void {
    void tellAdmins(this.deps.redis, "source_breaker", { endpoint, state, ...(this.health.reason ? { reason: this.health.reason } : {}) });
  }

  /**
   * Writes the report every step, with an expiry: a poller that dies stops speaking for the
   * source. Only while producing: a step still in flight when it stopped writes none, so the
   * report in Redis is the active poller's.
   */
  private async writeReport(): Promise<void> {
    if (!this.producing) return;
    const stopped = this.deps.api.stopped();
    const report: SourceReport = {
      v: 1,
      source: "the-odds-api",
      state: stopped ? "stopped" : this.health.state,
      reason: stopped ? `${stopped.code}: ${stopped.message}`.slice(0, REASON_MAX) : this.health.reason,
      since: this.health.since,
      at: this.now(),
      lastSuccessAt: this.health.lastSuccessAt,
      usage: this.usage,
      monthlyCredits: this.deps.config.monthlyCredits,
      breakers: this.deps.api.breakers(),
      blockedUntil: this.deps.api.blockedUntil(),
      unknownSports: this.unknownSports,
      plan: this.current
        ? { budgetPerDay: this.current.budgetPerDay, reserve: this.current.reserve, sports: this.current.sports.map((sport) => this.planView(sport)) }
        : null,
      spend: this.ledger.snapshot(),
      counts: this.counts,
    };
    await this.deps.redis.set(KEYS.sourceStatus, JSON.stringify(report), "PX", REPORT_TTL_MS).catch(() => {});
  }

  private planView(sport: Plan["sports"][number]): SportPlanView {
    const { sport: key, class: pollClass, inPlay, soon, later, oddsIntervalMs, scoresIntervalMs, creditsPerDay } = sport;
    const lastOddsAt = this.lastOdds.get(key) ?? null;
    const lastWrittenAt = this.lastOddsWritten.get(key) ?? null;
    return {
      sport: key,
      class: pollClass,
      inPlay,
      soon,
      later,
      oddsIntervalMs,
      scoresIntervalMs,
      creditsPerDay,
      lastOddsAt,
      lastWrittenAt,
      nextOddsAt: nextDue(lastOddsAt, oddsIntervalMs, this.now()),
    };
  }
}

/** When the month's credits reset: the start of next month (UTC), ms since epoch. */
export function periodEnd(now: number): number {
  const date = new Date(now);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

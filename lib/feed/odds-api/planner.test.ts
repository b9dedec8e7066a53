import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CLASS_WEIGHT, DAY_MS, type PlannerInput, type SportSchedule, SpendLedger, classify, nextDue, plan } from "./planner";

const NOW = Date.UTC(2026, 10, 7, 15, 0);
const HOUR = 3_600_000;
const MIN = 60_000;

function input(overrides: Partial<PlannerInput> = {}): PlannerInput {
  return {
    now: NOW,
    periodEnd: NOW + 30 * DAY_MS,
    remaining: 500,
    oddsCost: 9,
    scoresCost: 1,
    minIntervalMs: 10_000,
    reserve: 20,
    sports: [],
    ...overrides,
  };
}

const event = (id: string, commence: number, completed = false) => ({ id, commence, completed });
const inPlay: SportSchedule = { sport: "epl", events: [event("a", NOW - 30 * MIN), event("b", NOW + 2 * DAY_MS)] };
const later: SportSchedule = { sport: "nba", events: [event("c", NOW + 5 * HOUR)] };
const soon: SportSchedule = { sport: "nhl", events: [event("d", NOW + 40 * MIN)] };
const none: SportSchedule = { sport: "cricket", events: [] };

/** Credits the plan spends from now to the reset if its classes persisted. */
function plannedToEnd(i: PlannerInput): number {
  const p = plan(i);
  return (p.plannedPerDay / DAY_MS) * Math.max(i.periodEnd - i.now, MIN);
}

describe("classify", () => {
  it("counts in play from commence until completed or the window ends, soon within the hour", () => {
    const schedule = {
      sport: "x",
      events: [
        event("live", NOW - HOUR),
        event("done", NOW - HOUR, true),
        event("stale", NOW - 5 * HOUR),
        event("soon", NOW + HOUR),
        event("later", NOW + HOUR + 1),
      ],
    };
    expect(classify(schedule, NOW, 4 * HOUR, HOUR)).toEqual({ sport: "x", class: "in_play", inPlay: 1, soon: 1, later: 1 });
    expect(classify(none, NOW, 4 * HOUR, HOUR).class).toBe("idle");
  });
});

describe("plan", () => {
  it("matches the documented example: 500 credits, EPL in play, NBA later", () => {
    const p = plan(input({ sports: [inPlay, later] }));
    expect(p.budgetPerDay).toBeCloseTo(16, 6);
    const [epl, nba] = p.sports;
    expect(epl?.class).toBe("in_play");
    // NBA is given up, so EPL gets all of B = 480 / 30 = 16 credits/day: 10 credits every 15 h.
    expect(epl!.oddsIntervalMs! / HOUR).toBeCloseTo(15, 6);
    expect(epl?.scoresIntervalMs).toBe(epl?.oddsIntervalMs);
    // 16 · 1/37 = 0.43 credits/day would poll NBA every 20.8 days: older than 48 h, not worth it.
    expect(nba).toMatchObject({ class: "later", oddsIntervalMs: null, scoresIntervalMs: null, creditsPerDay: 0 });
    const rich = plan(input({ remaining: 20_000, sports: [inPlay, later] }));
    expect(rich.sports[0]!.oddsIntervalMs! / MIN).toBeCloseTo(22.2, 1);
    expect(rich.sports[1]!.oddsIntervalMs! / HOUR).toBeCloseTo(12, 1);
  });

  it("orders intervals in play < soon < later, and does not poll sports without events", () => {
    const p = plan(input({ remaining: 20_000, sports: [inPlay, soon, later, none] }));
    const [a, b, c, d] = p.sports.map((s) => s.oddsIntervalMs);
    expect(a!).toBeLessThan(b!);
    expect(b!).toBeLessThan(c!);
    expect(d).toBeNull();
    expect(p.sports[3]).toMatchObject({ class: "idle", creditsPerDay: 0, scoresIntervalMs: null });
  });

  it("banks most of the budget while nothing is in play, topping later sports up to 6 h when affordable", () => {
    const p = plan(input({ remaining: 20_000, sports: [later, { ...later, sport: "nfl" }] }));
    expect(p.sports.map((s) => s.oddsIntervalMs)).toEqual([6 * HOUR, 6 * HOUR]);
    expect(p.plannedPerDay).toBeLessThan(p.budgetPerDay / 4);
    // With less, the top-up is capped at 1/8 of the budget (and squared when short): rarer than 6 h.
    const poor = plan(input({ remaining: 5_000, sports: [later] }));
    expect(poor.sports[0]!.oddsIntervalMs!).toBeGreaterThan(6 * HOUR);
    expect(poor.sports[0]!.oddsIntervalMs!).toBeLessThan(48 * HOUR);
    expect(poor.plannedPerDay).toBeLessThanOrEqual(poor.budgetPerDay * (1 / 36 + 1 / 8) + 1e-9);
    // On the free plan a later sport would be polled every few weeks: not at all, banked for in play.
    expect(plan(input({ sports: [later] })).sports[0]!.oddsIntervalMs).toBeNull();
  });

  it("weights a sport in play by √(events in play)", () => {
    const many: SportSchedule = { sport: "nfl", events: [0, 1, 2, 3].map((n) => event(`n${n}`, NOW - n * MIN)) };
    const p = plan(input({ remaining: 20_000, sports: [inPlay, many] }));
    expect(p.sports[0]!.oddsIntervalMs! / p.sports[1]!.oddsIntervalMs!).toBeCloseTo(2, 2);
  });

  it("saves for in-play hours it can see coming: a busy fixture list slows today's polling", () => {
    const quiet = plan(input({ remaining: 20_000, sports: [inPlay] }));
    const busyWeek: SportSchedule[] = ["nba", "nhl", "nfl"].map((sport) => ({
      sport,
      events: Array.from({ length: 40 }, (_, i) => event(`${sport}${i}`, NOW + HOUR + Math.floor(i / 6) * DAY_MS)),
    }));
    const busy = plan(input({ remaining: 20_000, sports: [inPlay, ...busyWeek] }));
    expect(busy.sports[0]!.oddsIntervalMs!).toBeGreaterThan(quiet.sports[0]!.oddsIntervalMs! * 1.5);
    expect(busy.plannedPerDay).toBeLessThan(busy.budgetPerDay);
  });

  it("never polls faster than the minimum interval, however many credits", () => {
    const p = plan(input({ remaining: 1e9, minIntervalMs: 10_000, sports: [inPlay, soon, later] }));
    expect(p.sports.map((s) => s.oddsIntervalMs)).toEqual([10_000, 60_000, 600_000]);
  });

  it("with almost no credits polls only in play, then nothing", () => {
    const low = plan(input({ remaining: 20 + 30, sports: [inPlay, soon, later] }));
    expect(low.sports.map((s) => s.oddsIntervalMs === null)).toEqual([false, true, true]);
    const oddsOnly = plan(input({ remaining: 20 + 9, sports: [inPlay, soon, later] }));
    expect(oddsOnly.sports[0]).toMatchObject({ scoresIntervalMs: null });
    expect(oddsOnly.sports[0]!.oddsIntervalMs).not.toBeNull();
    const none_ = plan(input({ remaining: 20 + 8, sports: [inPlay, soon, later] }));
    expect(none_.sports.every((s) => s.oddsIntervalMs === null && s.scoresIntervalMs === null)).toBe(true);
    expect(plan(input({ remaining: 10, sports: [inPlay] })).budgetPerDay).toBe(0);
  });

  it("stays finite at and past the reset", () => {
    const p = plan(input({ periodEnd: NOW - HOUR, sports: [inPlay] }));
    expect(p.sports[0]!.oddsIntervalMs).toBeGreaterThanOrEqual(10_000);
    expect(plannedToEnd(input({ periodEnd: NOW - HOUR, sports: [inPlay] }))).toBeLessThanOrEqual(480);
  });
});

describe("nextDue", () => {
  it("is last + interval, now when never polled, null when not to be polled", () => {
    expect(nextDue(1_000, 10_000)).toBe(11_000);
    expect(nextDue(null, 10_000, 42)).toBe(42);
    expect(nextDue(null, null, 42)).toBeNull();
    expect(nextDue(1_000, null)).toBeNull();
  });
});

// ---- properties ---------------------------------------------------------------------------------

const arbEvent = fc.record({
  id: fc.string({ minLength: 1, maxLength: 4 }),
  commence: fc.integer({ min: NOW - 6 * HOUR, max: NOW + 10 * DAY_MS }),
  completed: fc.boolean(),
});
const arbSports = fc.uniqueArray(
  fc.record(
    {
      sport: fc.string({ minLength: 1, maxLength: 6 }),
      events: fc.array(arbEvent, { maxLength: 6 }),
      inPlayWindowMs: fc.integer({ min: HOUR, max: 5 * HOUR }),
      lastPolledAt: fc.option(fc.integer({ min: NOW - 10 * DAY_MS, max: NOW })),
    },
    { requiredKeys: ["sport", "events"] },
  ),
  { selector: (s) => s.sport, maxLength: 12 },
);
const arbInput = fc.record({
  now: fc.constant(NOW),
  periodEnd: fc.integer({ min: NOW - DAY_MS, max: NOW + 31 * DAY_MS }),
  remaining: fc.integer({ min: 0, max: 5_000_000 }),
  oddsCost: fc.integer({ min: 2, max: 60 }),
  scoresCost: fc.integer({ min: 1, max: 2 }), // ≤ oddsCost below: one market in one region costs 1
  minIntervalMs: fc.integer({ min: 1, max: 10 * MIN }),
  reserve: fc.integer({ min: 0, max: 1_000 }),
  sports: arbSports,
});

describe("plan properties", () => {
  it("plans no more than remaining − reserve until the reset", () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        const available = Math.max(0, i.remaining - i.reserve);
        expect(plannedToEnd(i)).toBeLessThanOrEqual(available * (1 + 1e-9));
      }),
    );
  });

  it("never plans an interval under the minimum, and no odds for sports without events", () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        for (const s of plan(i).sports) {
          for (const interval of [s.oddsIntervalMs, s.scoresIntervalMs]) {
            if (interval !== null) expect(interval).toBeGreaterThanOrEqual(i.minIntervalMs);
          }
          if (s.class === "idle") expect(s.oddsIntervalMs).toBeNull();
          if (s.class !== "in_play") expect(s.scoresIntervalMs).toBeNull();
        }
      }),
    );
  });

  it("gives a sport in play an interval no longer than the same sport with only later events", () => {
    fc.assert(
      fc.property(arbInput, fc.integer({ min: 0, max: 4 * HOUR - 1 }), fc.integer({ min: HOUR + 1, max: 5 * DAY_MS }), (i, ago, ahead) => {
        const probe = (events: SportSchedule["events"]) =>
          plan({ ...i, sports: [...i.sports, { sport: "probe-sport", events }] }).sports.at(-1)!.oddsIntervalMs;
        const hot = probe([event("p", NOW - ago)]);
        const cold = probe([event("p", NOW + ahead)]);
        if (cold !== null) {
          expect(hot).not.toBeNull();
          expect(hot!).toBeLessThanOrEqual(cold);
        }
      }),
    );
  });

  it("is stable: 1% more credits changes no interval by more than a few per cent", () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        const before = plan(i).sports;
        const after = plan({ ...i, remaining: i.remaining * 1.01 }).sports;
        before.forEach((s, k) => {
          const a = s.oddsIntervalMs;
          const b = after[k]!.oddsIntervalMs;
          if (a === null || b === null) return; // crossing an affordability threshold is a step by design
          expect(b).toBeLessThanOrEqual(a * 1.001 + 1);
          expect(b).toBeGreaterThanOrEqual(a / 1.1 - 1);
        });
      }),
    );
  });

  it("weights in play ≫ soon ≫ later", () => {
    expect(CLASS_WEIGHT.in_play / CLASS_WEIGHT.soon).toBeGreaterThanOrEqual(5);
    expect(CLASS_WEIGHT.soon / CLASS_WEIGHT.later).toBeGreaterThanOrEqual(5);
  });
});

describe("SpendLedger", () => {
  const day = (n: number, h = 12) => Date.UTC(2026, 10, n, h);

  it("tallies credits per UTC day, sport and endpoint", () => {
    const ledger = new SpendLedger();
    ledger.record({ at: day(1, 23), sport: "epl", endpoint: "odds", credits: 9 });
    ledger.record({ at: day(2, 0), sport: "epl", endpoint: "scores", credits: 1 });
    ledger.record({ at: day(2, 1), sport: "nba", endpoint: "odds", credits: 9 });
    ledger.record({ at: day(2, 2), sport: null, endpoint: "sports", credits: 0 });
    expect(ledger.snapshot()).toEqual({
      byDay: [
        { day: "2026-11-01", credits: 9 },
        { day: "2026-11-02", credits: 10 },
      ],
      bySport: [
        { sport: "epl", credits: 10, calls: 2 },
        { sport: "nba", credits: 9, calls: 1 },
      ],
      byEndpoint: [
        { endpoint: "odds", credits: 18, calls: 2 },
        { endpoint: "scores", credits: 1, calls: 1 },
        { endpoint: "sports", credits: 0, calls: 1 },
      ],
      total: 19,
    });
  });

  it("keeps only the last days, whatever the order calls arrive in", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ d: fc.integer({ min: 1, max: 90 }), credits: fc.integer({ min: 0, max: 20 }) }), { maxLength: 200 }), (calls) => {
        const ledger = new SpendLedger(35);
        for (const c of calls) ledger.record({ at: Date.UTC(2026, 0, c.d, 6), sport: "s", endpoint: "odds", credits: c.credits });
        const snap = ledger.snapshot();
        expect(snap.byDay.length).toBeLessThanOrEqual(35);
        expect(snap.total).toBe(snap.byDay.reduce((sum, d) => sum + d.credits, 0));
        expect(snap.bySport[0]?.credits ?? 0).toBe(snap.total);
      }),
    );
  });

  it("ignores invalid costs", () => {
    const ledger = new SpendLedger();
    ledger.record({ at: day(1), sport: "x", endpoint: "odds", credits: Number.NaN });
    ledger.record({ at: day(1), sport: "x", endpoint: "odds", credits: -3 });
    expect(ledger.snapshot().total).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import type { ProducerBeat, ReadBeat } from "../protocol";
import { type HeardBeat, ProducerWatch, judgeProducer } from "./producer-watch";

const SILENCE = 5_000;
const T = 1_000_000;
/** A vouch that outlasts every test here. */
const FAR = T + 3_600_000;

function beat(extra: Partial<ProducerBeat> = {}): ProducerBeat {
  return {
    v: 1,
    producer: "simulator",
    instanceId: "feed-1",
    role: "active",
    at: T,
    lastProducedAt: T,
    state: "ok",
    reason: null,
    sports: { soccer_epl: { freshUntil: FAR } },
    ...extra,
  };
}
/** A beat as read from Redis, `ageMs` after Redis stamped it. */
const aged = (read: ProducerBeat, ageMs: number): ReadBeat => ({ beat: read, ageMs });
const heard = (extra: Partial<ProducerBeat> = {}, heardAt = extra.at ?? T): HeardBeat => ({ beat: beat(extra), heardAt });
const judge = (beats: HeardBeat[], now: number, boardSports = ["soccer_epl"], expected: "simulator" | "the-odds-api" | null = "simulator") =>
  judgeProducer({ expected, beats, boardSports, now, silenceMs: SILENCE });

describe("judgeProducer", () => {
  it("is up while an active instance was heard within the silence limit, and down once it was not", () => {
    expect(judge([heard()], T + SILENCE - 1)).toEqual({ state: "up", reason: null, lastHeardAt: T, staleSports: {} });
    const down = judge([heard()], T + SILENCE);
    expect(down).toEqual({
      state: "down",
      reason: "no heartbeat from the simulator for over 5 s",
      lastHeardAt: T,
      staleSports: { soccer_epl: "no heartbeat from the simulator for over 5 s" },
    });
  });

  it("down: every board sport is stale, and every sport the producer last fed, on the board or not", () => {
    const fed = heard({ sports: { soccer_epl: { freshUntil: FAR }, tennis_atp: { freshUntil: FAR } } });
    expect(Object.keys(judge([fed], T + 60_000, ["basketball_nba", "soccer_epl"]).staleSports)).toEqual(["basketball_nba", "soccer_epl", "tennis_atp"]);
  });

  it("says it has never heard the producer when no beat of it exists, whatever other producers beat", () => {
    const other = heard({ producer: "the-odds-api" });
    expect(judge([other], T)).toMatchObject({ state: "down", reason: "the simulator has not been heard from", lastHeardAt: null });
    expect(judge([], T, ["soccer_epl"], "the-odds-api")).toMatchObject({ state: "down", reason: "The Odds API poller has not been heard from" });
  });

  it("a standby's beats never make the producer up: it only waits to take over", () => {
    const standby = heard({ role: "standby", sports: {} });
    expect(judge([standby], T + 1)).toMatchObject({
      state: "down",
      reason: "no instance of the simulator is active: only standbys are running",
      lastHeardAt: null,
      staleSports: { soccer_epl: expect.any(String) },
    });
    // A silent active instance beside a live standby: the active one's silence is the reason.
    expect(judge([heard({ at: T - 10_000 }), standby], T + 1).reason).toBe("no heartbeat from the simulator for over 5 s");
  });

  it("several instances: up while any active one is heard; sports vouched by any of them are live", () => {
    const quiet = heard({ instanceId: "old", at: T - 30_000, sports: { soccer_epl: { freshUntil: FAR } } });
    const fresh = heard({ instanceId: "new", sports: { basketball_nba: { freshUntil: FAR } } });
    const judged = judge([quiet, fresh], T + 1, ["basketball_nba", "soccer_epl"]);
    expect(judged).toMatchObject({ state: "up", lastHeardAt: T });
    // The quiet instance's sports are not vouched for by the live one.
    expect(judged.staleSports).toEqual({ soccer_epl: "the simulator does not feed this sport" });
  });

  it("up: a sport whose freshUntil passed is stale, measured on the publisher's clock from when the beat was heard", () => {
    const poller = (freshUntil: number) => heard({ producer: "the-odds-api", sports: { soccer_epl: { freshUntil } } });
    expect(judge([poller(T + 3_000)], T + 2_999, ["soccer_epl"], "the-odds-api").staleSports).toEqual({});
    expect(judge([poller(T + 3_000)], T + 3_000, ["soccer_epl"], "the-odds-api").staleSports).toEqual({
      soccer_epl: "The Odds API poller's prices for this sport are overdue",
    });
    expect(judge([poller(FAR)], T + 4_000, ["soccer_epl"], "the-odds-api").staleSports).toEqual({});
    // The producer's clock runs 60 s ahead: its beat says at = T + 60 s, heard at T; 3 s of vouch left.
    const ahead: HeardBeat = { beat: beat({ producer: "the-odds-api", at: T + 60_000, sports: { soccer_epl: { freshUntil: T + 63_000 } } }), heardAt: T };
    expect(judge([ahead], T + 2_999, ["soccer_epl"], "the-odds-api").staleSports).toEqual({});
    expect(judge([ahead], T + 3_000, ["soccer_epl"], "the-odds-api").staleSports).toHaveProperty("soccer_epl");
  });

  it("up: a board sport the producer does not list is stale; listed sports off the board are not reported", () => {
    const judged = judge([heard({ sports: { soccer_epl: { freshUntil: FAR }, tennis_atp: { freshUntil: FAR } } })], T + 1, ["esports", "soccer_epl"]);
    expect(judged.staleSports).toEqual({ esports: "the simulator does not feed this sport" });
  });

  it("up, with the reason a failing producer gives; its overdue sports say it too", () => {
    const failing = heard({
      producer: "the-odds-api",
      state: "stale",
      reason: "the circuit breaker of odds is open",
      sports: { soccer_epl: { freshUntil: T } },
    });
    expect(judge([failing], T + 1, ["soccer_epl"], "the-odds-api")).toEqual({
      state: "up",
      reason: "The Odds API poller is failing: the circuit breaker of odds is open",
      lastHeardAt: T,
      staleSports: { soccer_epl: "The Odds API poller's prices for this sport are overdue (the circuit breaker of odds is open)" },
    });
  });

  it("keeps every reason within 300 characters, however long the producer's own", () => {
    const long = heard({ producer: "the-odds-api", state: "stale", reason: "x".repeat(300), sports: { soccer_epl: { freshUntil: T } } });
    const judged = judge([long], T + 1, ["soccer_epl"], "the-odds-api");
    expect(judged.reason?.length).toBe(300);
    expect(judged.staleSports.soccer_epl?.length).toBe(300);
  });

  it("none expected: nothing applies, whatever beats or is silent", () => {
    expect(judge([], T, ["soccer_epl"], null)).toEqual({ state: "none", reason: null, lastHeardAt: null, staleSports: {} });
    expect(judge([heard({ at: 0 })], T, ["soccer_epl"], null).state).toBe("none");
  });
});

describe("ProducerWatch", () => {
  it("tells the transitions: down once the term's first silence limit passed, up after a told down, and nothing while the state holds", () => {
    const watch = new ProducerWatch("simulator", SILENCE);
    const first = watch.observe([], ["soccer_epl"], T);
    // Down at once (bets refused, pages stale), but settling: no notice yet.
    expect(first.notice).toBeNull();
    expect(first.view).toMatchObject({ name: "simulator", state: "down", since: T, settling: true });
    expect(watch.observe([], ["soccer_epl"], T + SILENCE - 1).notice).toBeNull();
    const told = watch.observe([], ["soccer_epl"], T + SILENCE);
    expect(told.notice).toEqual({ kind: "producer_down", data: { producer: "simulator", reason: "the simulator has not been heard from", lastHeardAt: null } });
    expect(told.view.settling).toBe(false);
    expect(watch.observe([], ["soccer_epl"], T + SILENCE + 1_000).notice).toBeNull();
    const up = watch.observe([aged(beat({ at: T + 7_000 }), 0)], ["soccer_epl"], T + 7_000);
    expect(up.notice).toEqual({ kind: "producer_up", data: { producer: "simulator", downForMs: 7_000 } });
    expect(up.view).toMatchObject({ state: "up", since: T + 7_000, staleSports: {} });
    expect(watch.observe([aged(beat({ at: T + 8_000 }), 0)], ["soccer_epl"], T + 8_000).notice).toBeNull();
  });

  it("a cold start: the producer heard within the term's first silence limit was never announced down, so nothing is told", () => {
    const watch = new ProducerWatch("simulator", SILENCE);
    expect(watch.observe([], ["soccer_epl"], T)).toMatchObject({ notice: null, view: { state: "down", settling: true } });
    expect(watch.observe([aged(beat({ at: T + 1_500 }), 0)], ["soccer_epl"], T + 1_500)).toMatchObject({
      notice: null,
      view: { state: "up", settling: false },
    });
  });

  it("a producer that falls silent after the term's start is told down as soon as its silence passes the limit", () => {
    const watch = new ProducerWatch("simulator", SILENCE);
    expect(watch.observe([aged(beat({ at: T }), 0)], ["soccer_epl"], T).view.state).toBe("up");
    const down = watch.observe([aged(beat({ at: T }), SILENCE)], ["soccer_epl"], T + SILENCE);
    expect(down.view).toMatchObject({ state: "down", settling: false });
    expect(down.notice?.kind).toBe("producer_down");
  });

  it("a beat grows old by its age as Redis measures it, whatever the producer's clock wrote in it", () => {
    const watch = new ProducerWatch("simulator", SILENCE);
    // The producer's clock runs a minute ahead (or behind): only the age counts.
    for (const at of [T + 60_000, T - 60_000]) {
      watch.reset();
      const frozen = beat({ at });
      expect(watch.observe([aged(frozen, 0)], ["soccer_epl"], T).view.state).toBe("up");
      expect(watch.observe([aged(frozen, SILENCE - 1)], ["soccer_epl"], T + SILENCE - 1).view.state).toBe("up");
      const down = watch.observe([aged(frozen, SILENCE)], ["soccer_epl"], T + SILENCE);
      expect(down.view).toMatchObject({ state: "down", since: T + SILENCE, lastHeardAt: T });
      expect(down.notice?.kind).toBe("producer_down");
      // A new beat, just stamped, is up again.
      expect(watch.observe([aged(beat({ at: at + 6_000 }), 0)], ["soccer_epl"], T + 6_000).view.state).toBe("up");
    }
  });

  it("a beat first seen already old counts as old: a producer that died before this leader began is down at once, since its silence passed the limit", () => {
    const watch = new ProducerWatch("simulator", SILENCE);
    // Written 20 s ago by Redis's measure, whatever the beat's own `at` says.
    const { view, notice } = watch.observe([aged(beat({ at: T + 5_000 }), 20_000)], ["soccer_epl"], T);
    expect(view).toMatchObject({ state: "down", lastHeardAt: T - 20_000, since: T - 20_000 + SILENCE, settling: true });
    expect(notice).toBeNull();
    expect(watch.observe([aged(beat({ at: T + 5_000 }), 20_000 + SILENCE)], ["soccer_epl"], T + SILENCE).notice?.kind).toBe("producer_down");
  });

  it("nothing expected: state none, never a notice", () => {
    const watch = new ProducerWatch(null, SILENCE);
    expect(watch.observe([], ["soccer_epl"], T)).toEqual({
      view: { name: null, state: "none", reason: null, lastHeardAt: null, staleSports: {}, since: T, settling: false },
      notice: null,
    });
  });

  it("reset forgets the term: the next observation is a first judgement again", () => {
    const watch = new ProducerWatch("simulator", SILENCE);
    watch.observe([], [], T);
    watch.observe([], [], T + SILENCE);
    watch.reset();
    expect(watch.current).toBeNull();
    expect(watch.observe([], [], T + SILENCE + 1).view.settling).toBe(true);
    expect(watch.observe([], [], T + 2 * SILENCE + 1).notice?.kind).toBe("producer_down");
  });
});

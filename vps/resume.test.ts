import { describe, expect, it } from "vitest";
import type { OddsDeltaMessage } from "../lib/protocol";
import { type Filter, makeFilter } from "./filters";
import { type ResumeCache, type ResumeRequest, type ResumeSources, type Subscriber, readResume, replayFits, resume } from "./resume";
import type { ResumePlan } from "./sport-cache";

const delta = (seq: number): OddsDeltaMessage => ({ v: 1, type: "odds:delta", sport: "soccer_epl", seq, ts: seq, changes: [] }) as unknown as OddsDeltaMessage;

/** A cache at seq 10 whose plan for any resume is `plan`, and a delivery that names what it built. */
function sources(plan: ResumePlan, maxReplayBytes = 1_000_000): ResumeSources {
  const cache = { seq: () => 10, resumePlan: () => plan } as unknown as ResumeCache;
  const delivery = {
    snapshot: (sport: string, _filter: Filter, resync = false) => ({ snapshot: sport, resync }),
    replay: (sport: string, since: number) => ({ merged: sport, since }),
  } as unknown as ResumeSources["delivery"];
  return { cache, delivery, maxReplayBytes };
}

/** A subscriber recording what it was sent, joined and handed. */
function subscriber(held: Map<string, Filter> = new Map()) {
  const sent: [string, unknown][] = [];
  const joined: string[] = [];
  const handed: [string, number][] = [];
  const sub: Subscriber = {
    subscriptions: { sports: held, joinSport: (sport) => joined.push(sport) },
    outbound: { handed: (sport, seq) => handed.push([sport, seq]) },
    send: (event, ...args) => sent.push([event, args[0]]),
  };
  return { sub, sent, joined, handed };
}

const request = (since: number | undefined, merged = false, filter = makeFilter()): ResumeRequest => ({
  sports: ["soccer_epl"],
  resume: since === undefined ? {} : { soccer_epl: since },
  merged,
  filter,
});

describe("resume", () => {
  it("sends a new subscriber a snapshot, joins it to the sport and hands it the current seq", () => {
    const { sub, sent, joined, handed } = subscriber();
    const answer = resume(sub, request(undefined), new Map(), sources({ mode: "current" }));
    expect(sent).toEqual([["odds:snapshot", { snapshot: "soccer_epl", resync: false }]]);
    expect([joined, handed]).toEqual([["soccer_epl"], [["soccer_epl", 10]]]);
    expect(answer).toEqual({ soccer_epl: { seq: 10, mode: "snapshot", replayed: 0 } });
  });

  it("replays the missed deltas one by one, or merged into one when asked", () => {
    const plan: ResumePlan = { mode: "replay", deltas: [delta(9), delta(10)] };
    const oneByOne = subscriber();
    expect(resume(oneByOne.sub, request(8), new Map(), sources(plan)).soccer_epl).toEqual({ seq: 10, mode: "replay", replayed: 2 });
    expect(oneByOne.sent.map(([event]) => event)).toEqual(["odds:delta", "odds:delta"]);
    const merged = subscriber();
    resume(merged.sub, request(8, true), new Map(), sources(plan));
    expect(merged.sent).toEqual([["odds:delta", { merged: "soccer_epl", since: 8 }]]);
  });

  it("answers a replay over the cap with a resync snapshot", () => {
    const { sub, sent } = subscriber();
    const answer = resume(sub, request(8), new Map(), sources({ mode: "replay", deltas: [delta(9), delta(10)] }, 150));
    expect(sent).toEqual([["odds:snapshot", { snapshot: "soccer_epl", resync: true }]]);
    expect(answer.soccer_epl?.mode).toBe("snapshot");
  });

  it("gives a held sport under a new filter a resync snapshot, whatever it resumes from", () => {
    const { sub, sent } = subscriber(new Map([["soccer_epl", makeFilter(["h2h"])]]));
    resume(sub, request(10, false, makeFilter(["totals"])), new Map(), sources({ mode: "current" }));
    expect(sent).toEqual([["odds:snapshot", { snapshot: "soccer_epl", resync: true }]]);
  });

  it("sends nothing to a subscriber that is current, but still joins it", () => {
    const { sub, sent, joined } = subscriber();
    expect(resume(sub, request(10), new Map(), sources({ mode: "current" })).soccer_epl?.mode).toBe("current");
    expect([sent, joined]).toEqual([[], ["soccer_epl"]]);
  });
});

describe("readResume", () => {
  it("reads history again while the cache is busy, then takes what it read", async () => {
    let busy = 2;
    const reads: number[] = [];
    const cache = {
      ensure: async () => undefined,
      isBusy: () => busy-- > 0,
      historyBefore: async (_sport: string, since: number) => {
        reads.push(since);
        return [delta(since + 1)];
      },
      historyFallsShort: () => false,
    } as unknown as ResumeCache;
    const older = await readResume(cache, ["soccer_epl"], { soccer_epl: 4 });
    expect(reads).toEqual([4, 4, 4]);
    expect(older.get("soccer_epl")).toEqual([delta(5)]);
  });
});

describe("replayFits", () => {
  it("measures deltas by their changes' JSON plus an envelope", () => {
    expect(replayFits([delta(1), delta(2)], 204)).toBe(true);
    expect(replayFits([delta(1), delta(2)], 203)).toBe(false);
  });
});

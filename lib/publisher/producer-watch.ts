import { type AdminEventData, type Producer, type ProducerBeat, REASON_MAX, type ReadBeat } from "../protocol";

/**
 * Whether the odds producer this deployment expects is alive, and which sports' prices it still
 * vouches for (docs/odds-source.md, "Producer liveness"). Pure: the publishing leader feeds it
 * the beats it read from Redis every control step, and acts on what it says.
 */

/** How producers are named to bettors and admins. */
export const PRODUCER_TITLES: Record<Producer, string> = { simulator: "the simulator", "the-odds-api": "The Odds API poller" };

/**
 * A beat and when it was written, on this process's clock: its age as Redis measured it (Redis
 * stamps every beat with its own clock) taken back from now. So neither a producer's clock nor
 * this one's offset from Redis's enters the judgement.
 */
export interface HeardBeat {
  beat: ProducerBeat;
  /** ms since epoch, this process's clock. */
  heardAt: number;
}

export type ProducerState = "up" | "down" | "none";

export interface JudgeInput {
  /** The producer the deployment expects (`expectedProducer`), null when none is. */
  expected: Producer | null;
  beats: readonly HeardBeat[];
  /** The sports on the board now. */
  boardSports: readonly string[];
  /** ms since epoch. */
  now: number;
  /** PRODUCER_SILENCE_MS: an active instance not heard for this long is silent, ms. */
  silenceMs: number;
}

export interface Judgement {
  /** up: an active instance was heard within the silence limit; down: none was; none: nothing expected. */
  state: ProducerState;
  /** Why it is down, or what an up producer says is wrong with its own source; null when all is well. */
  reason: string | null;
  /** When an active instance of the expected producer was last heard (this clock), null if none is known. */
  lastHeardAt: number | null;
  /** Board sports whose prices nobody vouches for, each with why (in key order). */
  staleSports: Record<string, string>;
}

/**
 * Judges the expected producer from its beats.
 * - `none` when nothing is expected: no liveness applies and no sport is stale.
 * - `down` when no active instance was heard within `silenceMs`: every board sport is stale, and
 *   so is every sport it last fed (off the board or not), all with the producer's reason.
 * - `up` otherwise: a board sport is stale when no heard active instance vouches for it now (it
 *   does not list the sport, or its `freshUntil` passed).
 * @example judgeProducer({ expected: "simulator", beats: [], boardSports: ["soccer_epl"], now, silenceMs: 5_000 })
 * // { state: "down", reason: "the simulator has not been heard from", lastHeardAt: null, staleSports: { soccer_epl: "the simulator has not been heard from" } }
 */
export function judgeProducer({ expected, beats, boardSports, now, silenceMs }: JudgeInput): Judgement {
  if (expected === null) return { state: "none", reason: null, lastHeardAt: null, staleSports: {} };
  const own = beats.filter((heard) => heard.beat.producer === expected);
  const active = own.filter((heard) => heard.beat.role === "active");
  const lastHeardAt = active.length > 0 ? Math.max(...active.map((heard) => heard.heardAt)) : null;
  const alive = (heard: HeardBeat) => now - heard.heardAt < silenceMs;
  const live = active.filter(alive);
  if (live.length === 0) {
    const reason = downReason(PRODUCER_TITLES[expected], active.length > 0, own.some(alive), silenceMs);
    const fed = active.flatMap((heard) => Object.keys(heard.beat.sports));
    return { state: "down", reason, lastHeardAt, staleSports: sorted([...boardSports, ...fed].map((sport) => [sport, reason])) };
  }
  return {
    state: "up",
    reason: troubleOf(live, PRODUCER_TITLES[expected]),
    lastHeardAt,
    staleSports: unvouched(live, boardSports, now, PRODUCER_TITLES[expected]),
  };
}

/** The reason text is stable while the state lasts, so relays do not re-announce it every second. */
function downReason(title: string, everActive: boolean, standbyAlive: boolean, silenceMs: number): string {
  if (everActive) return `no heartbeat from ${title} for over ${Math.round(silenceMs / 100) / 10} s`;
  if (standbyAlive) return `no instance of ${title} is active: only standbys are running`;
  return `${title} has not been heard from`;
}

/** What a heard producer says is wrong with its own upstream (a failing or stopped poller), if anything. */
function troubleOf(live: readonly HeardBeat[], title: string): string | null {
  const troubled = live.find((heard) => heard.beat.state !== "ok");
  if (!troubled) return null;
  return clip(`${title} is ${troubled.beat.state === "stopped" ? "stopped" : "failing"}: ${troubled.beat.reason ?? "no reason given"}`);
}

function unvouched(live: readonly HeardBeat[], boardSports: readonly string[], now: number, title: string): Record<string, string> {
  const stale: [string, string][] = [];
  for (const sport of boardSports) {
    const vouches = live.flatMap((heard) => {
      const vouch = heard.beat.sports[sport];
      // freshUntil is on the producer's clock: carried over to ours as what was left of it when heard.
      return vouch ? [{ until: heard.heardAt + (vouch.freshUntil - heard.beat.at), heard }] : [];
    });
    if (vouches.some((vouch) => vouch.until > now)) continue;
    const overdue = vouches[0]?.heard.beat;
    if (!overdue) stale.push([sport, `${title} does not feed this sport`]);
    else stale.push([sport, `${title}'s prices for this sport are overdue${overdue.state === "ok" || !overdue.reason ? "" : ` (${overdue.reason})`}`]);
  }
  return sorted(stale);
}

function sorted(entries: [string, string][]): Record<string, string> {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([sport, reason]) => [sport, clip(reason)]));
}

/**
 * The beats as written on this process's clock: now less their age on Redis's. A beat already
 * old when this leader first reads it counts as old: a producer that died before this leader
 * began is not taken for a live one just because its last beat is new to us.
 */
export function heardOf(beats: readonly ReadBeat[], now: number): HeardBeat[] {
  return beats.map(({ beat, ageMs }) => ({ beat, heardAt: now - ageMs }));
}

/** Reasons travel in schemas that take at most REASON_MAX characters (a producer's own reason may be that long). */
function clip(reason: string): string {
  return reason.length <= REASON_MAX ? reason : `${reason.slice(0, REASON_MAX - 1)}…`;
}

/** The watch's current view: the judgement and since when its state holds. */
export interface ProducerView extends Judgement {
  name: Producer | null;
  /** When the producer entered this state, ms since epoch (this clock). */
  since: number;
  /**
   * Down within the first silence limit of this leader's term: bets are refused and pages say so
   * at once, but admins are not told and no bet stop runs yet, so a cold start (the publisher up
   * a moment before the feed's first beat) or a failover is not announced as an outage.
   */
  settling: boolean;
}

/** An admin event to send when the state moved. */
export type ProducerNotice = { kind: "producer_down"; data: AdminEventData<"producer_down"> } | { kind: "producer_up"; data: AdminEventData<"producer_up"> };

/**
 * The judge over time, for one term as leader: remembers the state it last reported, and says
 * when the producer went down or came back. Pure: the caller passes the beats with their ages
 * and the time.
 */
export class ProducerWatch {
  private view: ProducerView | null = null;
  /** When this term's first judgement was made (null before it), ms. */
  private termStartedAt: number | null = null;
  /** Whether admins were told of the current down state. */
  private downTold = false;

  constructor(
    private readonly expected: Producer | null,
    private readonly silenceMs: number,
  ) {}

  /** The last view, null before the first observation (of this term). */
  get current(): ProducerView | null {
    return this.view;
  }

  /** Forgets everything: a new term as leader starts afresh. */
  reset(): void {
    this.view = null;
    this.termStartedAt = null;
    this.downTold = false;
  }

  /** Judges the beats read at `now` (ms) and returns the view, with a notice when the state moved. */
  observe(beats: readonly ReadBeat[], boardSports: readonly string[], now: number): { view: ProducerView; notice: ProducerNotice | null } {
    this.termStartedAt ??= now;
    const judgement = judgeProducer({ expected: this.expected, beats: heardOf(beats, now), boardSports, now, silenceMs: this.silenceMs });
    const previous = this.view;
    const moved = previous === null || previous.state !== judgement.state;
    const since = !moved ? previous.since : previous === null ? this.firstSince(judgement, now) : now;
    const settling = judgement.state === "down" && now - this.termStartedAt < this.silenceMs;
    this.view = { ...judgement, name: this.expected, since, settling };
    return { view: this.view, notice: this.noticeOf(previous, this.view, now) };
  }

  /** A producer already down when first judged went down when its silence passed the limit. */
  private firstSince(judgement: Judgement, now: number): number {
    if (judgement.state !== "down" || judgement.lastHeardAt === null) return now;
    return Math.min(now, judgement.lastHeardAt + this.silenceMs);
  }

  /** Down is told once, when it is no longer settling; up only after a down that was told. */
  private noticeOf(previous: ProducerView | null, view: ProducerView, now: number): ProducerNotice | null {
    if (view.name === null) return null;
    if (view.state === "down") {
      if (this.downTold || view.settling) return null;
      this.downTold = true;
      return { kind: "producer_down", data: { producer: view.name, reason: view.reason ?? "down", lastHeardAt: view.lastHeardAt } };
    }
    const told = this.downTold;
    this.downTold = false;
    if (told && previous?.state === "down")
      return { kind: "producer_up", data: { producer: view.name, downForMs: Math.max(0, Math.round(now - previous.since)) } };
    return null;
  }
}

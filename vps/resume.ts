import { type OddsDeltaMessage, type ServerToClientEvents, type SubscribeResult, packDelta } from "../lib/protocol";
import type { Delivery } from "./delivery";
import { type Filter, filterDelta, sameFilter, sportPart } from "./filters";
import type { ResumePlan, SportCache } from "./sport-cache";

/**
 * Bringing a subscriber up to date with its sports (docs/protocol.md "subscribe"): per sport, a
 * snapshot, nothing (it is current), or the deltas it missed since the seq it resumes from, one by
 * one or merged into one; then it joins the sport's room.
 *
 * Two steps. `readResume` reads, asynchronously, what the sport cache does not hold in memory
 * (older history from Redis) until what it read holds still. `resume` then decides and sends, for
 * every sport, in one synchronous step: what each sport's subscriber needs is sent and the room
 * joined between two deltas, so nothing is missed or doubled.
 */

/** What a resume reads of the sport cache. */
export type ResumeCache = Pick<SportCache, "ensure" | "isBusy" | "seq" | "historyBefore" | "historyFallsShort" | "resumePlan">;

/** Where a resume's messages come from: the cache, its filtered snapshots and merged replays, and the replay cap. */
export interface ResumeSources {
  cache: ResumeCache;
  delivery: Pick<Delivery, "snapshot" | "replay">;
  /** The most bytes of deltas a replay may write at once (half the slow consumers' hard limit): longer, a snapshot. */
  maxReplayBytes: number;
}

/** What `resume` needs of a subscriber (a Client, client.ts). */
export interface Subscriber {
  readonly subscriptions: { readonly sports: ReadonlyMap<string, Filter>; joinSport(sport: string, filter: Filter): void };
  readonly outbound: { handed(sport: string, seq: number): void };
  send<E extends keyof ServerToClientEvents>(event: E, ...args: Parameters<ServerToClientEvents[E]>): void;
}

export interface ResumeRequest {
  sports: readonly string[];
  /** Per sport, the seq the client holds. */
  resume: Readonly<Record<string, number>>;
  /** Whether a replay goes as one merged delta (`replay: "merged"`) rather than one by one. */
  merged: boolean;
  filter: Filter;
}

/** History older than the cache's ring, per sport, read for the resumes that need it. */
export type OlderHistory = ReadonlyMap<string, OddsDeltaMessage[]>;

/** Rounds of re-reading before what is decided is taken as it is (exact anyway: a snapshot at worst). */
const SETTLE_ROUNDS = 5;

/**
 * Loads the sports and reads the history each resume needs beyond the ring, until the reads hold
 * still: a catch-up may be running, or deltas that came in during a history read may have moved
 * the ring past its end. Rejects with UnavailableError (sport-cache.ts) when a sport cannot be loaded.
 */
export async function readResume(cache: ResumeCache, sports: readonly string[], resume: ResumeRequest["resume"]): Promise<OlderHistory> {
  const older = new Map<string, OddsDeltaMessage[]>();
  const read = async (pending: readonly string[]) => {
    await Promise.all(pending.map((sport) => cache.ensure(sport)));
    await Promise.all(pending.map(async (sport) => older.set(sport, resume[sport] === undefined ? [] : await cache.historyBefore(sport, resume[sport]))));
  };
  const unsettled = () =>
    sports.filter((sport) => cache.isBusy(sport) || (resume[sport] !== undefined && cache.historyFallsShort(sport, resume[sport], older.get(sport) ?? [])));
  await read(sports);
  for (let tries = 0, pending = unsettled(); tries < SETTLE_ROUNDS && pending.length > 0; tries += 1, pending = unsettled()) await read(pending);
  return older;
}

/**
 * Sends each requested sport what the subscriber needs and joins it to the sport's room, all in
 * one synchronous step. A new filter for a held sport gets a snapshot flagged resync whatever it
 * resumes from: what the client holds was cut by the old filter.
 */
export function resume(subscriber: Subscriber, request: ResumeRequest, older: OlderHistory, sources: ResumeSources): SubscribeResult["sports"] {
  const { cache, delivery } = sources;
  const { filter } = request;
  const answer: SubscribeResult["sports"] = {};
  for (const sport of request.sports) {
    const since = request.resume[sport];
    const held = subscriber.subscriptions.sports.get(sport);
    const refiltered = held !== undefined && !sameFilter(held, sportPart(filter));
    let plan: ResumePlan = since === undefined || refiltered ? { mode: "snapshot" } : cache.resumePlan(sport, since, older.get(sport) ?? []);
    if (plan.mode === "replay" && !replayFits(plan.deltas, sources.maxReplayBytes)) plan = { mode: "snapshot" };
    if (plan.mode === "snapshot") subscriber.send("odds:snapshot", delivery.snapshot(sport, filter, since !== undefined || refiltered));
    if (plan.mode === "replay" && since !== undefined && request.merged) subscriber.send("odds:delta", delivery.replay(sport, since, plan.deltas, filter));
    else if (plan.mode === "replay") for (const delta of plan.deltas) subscriber.send("odds:delta", packDelta(filterDelta(delta, filter)));
    subscriber.subscriptions.joinSport(sport, filter);
    const seq = cache.seq(sport) ?? 0;
    subscriber.outbound.handed(sport, seq);
    answer[sport] = { seq, mode: plan.mode, replayed: plan.mode === "replay" ? plan.deltas.length : 0 };
  }
  return answer;
}

/**
 * Whether a replay of these deltas fits what one connection may be sent at once. A replay is
 * written in one step, so it all waits in the relay until the client reads it; a longer one is
 * answered with a snapshot instead, or the client would be cut for catching up, and come back to
 * the same replay.
 */
export function replayFits(deltas: readonly OddsDeltaMessage[], maxBytes: number): boolean {
  let bytes = 0;
  for (const delta of deltas) {
    bytes += deltaBytes(delta);
    if (bytes > maxBytes) return false;
  }
  return true;
}

const sizes = new WeakMap<OddsDeltaMessage, number>();

/** A delta's JSON length, measured once per delta (ring deltas are the same objects every time). */
function deltaBytes(delta: OddsDeltaMessage): number {
  let bytes = sizes.get(delta);
  if (bytes === undefined) sizes.set(delta, (bytes = JSON.stringify(delta.changes).length + 100));
  return bytes;
}

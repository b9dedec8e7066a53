import { EventOdds } from "./odds";
import { KEYS } from "./names";

/** The one ioredis method this module needs, so lib/protocol stays free of a client dependency. */
export interface RedisEval {
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

export interface SportStateRead {
  seq: number;
  events: Map<string, EventOdds>;
  /** Entries that failed validation and were left out (logged by the caller). */
  invalid: number;
}

// The seq and the hash in one script: a reader never sees a seq that its events do not reflect.
const READ_SCRIPT = "return {redis.call('GET', KEYS[2]) or '0', redis.call('HGETALL', KEYS[1])}";

/** Reads one sport's canonical state (docs/protocol.md, "State in Redis") atomically. */
export async function readSportState(redis: RedisEval, sport: string): Promise<SportStateRead> {
  const reply = (await redis.eval(READ_SCRIPT, 2, KEYS.sportState(sport), KEYS.sportSeq(sport))) as [string, string[]];
  const [seq, flat] = reply;
  const events = new Map<string, EventOdds>();
  let invalid = 0;
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const event = parseEvent(flat[i + 1] ?? "");
    if (event && event.id === flat[i]) events.set(event.id, event);
    else invalid += 1;
  }
  return { seq: Number(seq), events, invalid };
}

function parseEvent(json: string): EventOdds | null {
  try {
    const result = EventOdds.safeParse(JSON.parse(json));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

/** Board order: start time, then id, identical in every process. */
export function sortEvents(events: EventOdds[]): EventOdds[] {
  return events.sort((a, b) => (a.startsAt === b.startsAt ? a.id.localeCompare(b.id) : a.startsAt < b.startsAt ? -1 : 1));
}

import { type TrustReason, type TrustRecord, readTrust, type RedisTrustGet } from "../protocol";

/**
 * Whether a price may be taken right now, as the publishing leader vouches for it (its
 * `TrustRecord`, rewritten at least once a second with a short expiry): a bet is taken only at a
 * live price (docs/bets.md, "When a bet is refused").
 */

/** Why no price of a sport can be taken now: the `prices_stale` refusal, in words a bettor reads. */
export interface PricesStale {
  code: "prices_stale";
  reason: TrustReason;
  message: string;
}

/**
 * The refusal a bet on `sport` gets from the leader's record, or null when its prices are live.
 * Checked in order: no record (nobody publishes: the key expires TRUST_TTL_MS after the leader's
 * last write, on Redis's clock, so its age is never compared with this host's clock); the
 * publisher stopped, or failing; the expected producer down; the sport stale.
 *
 * @example refusalOf(null, "soccer_epl") // { code: "prices_stale", reason: "publisher_down", … }
 */
export function refusalOf(record: TrustRecord | null, sport: string): PricesStale | null {
  if (record === null) return stale("publisher_down", "live prices are not being published right now, so no bet can be taken; try again in a moment");
  if (record.publisher.status === "stopped") return stale("publisher_stopped", "live prices are paused, so no bet can be taken until they resume");
  if (record.publisher.status === "failing")
    return stale("publisher_failing", "live prices are not updating as they should, so no bet can be taken until they are");
  if (record.producer.state === "down")
    return stale("producer_down", "our odds feed has stopped sending prices, so the prices shown may be out of date; bets are paused until it is back");
  const why = Object.hasOwn(record.staleSports, sport) ? record.staleSports[sport] : undefined;
  if (why !== undefined) return stale("sport_stale", `the prices of this sport are out of date (${why}); its bets are paused until fresh prices arrive`);
  return null;
}

/** The refusal a bet on `sport` gets now, from the record in Redis (one GET). */
export async function currentRefusal(redis: RedisTrustGet, sport: string): Promise<PricesStale | null> {
  return refusalOf(await readTrust(redis), sport);
}

const stale = (reason: TrustReason, message: string): PricesStale => ({ code: "prices_stale", reason, message });

import fc from "fast-check";
import type { Change, EventOdds, MarketOdds, OutcomeOdds } from "../../lib/protocol";
import { eventOdds, market, outcome } from "../../lib/protocol/test-events";

/**
 * fast-check generators of boards and of the changes a publisher may send (every path kind of
 * docs/protocol.md, valid values, in any order, also for events and markets that are not there),
 * for the filter and conflation properties and the delivery integration tests.
 */

const EVENT_IDS = ["e1", "e2", "e3", "e4"];
const MARKET_KEYS = ["h2h", "spreads", "totals", "btts"];
const OUTCOME_KEYS = ["home", "draw", "away"];

const price = fc.integer({ min: 101, max: 2_000 }).map((cents) => cents / 100);
const probability = fc.integer({ min: 0, max: 10_000 }).map((n) => n / 10_000);
const best = fc.option(fc.record({ book: fc.constantFrom("pinnacle", "bet365", "unibet"), price }), { nil: null });

const outcomeArb: fc.Arbitrary<OutcomeOdds> = fc
  .record({ price, fair: fc.option(probability, { nil: null }), pool: probability, best })
  .map(({ price: p, ...rest }) => outcome(p, rest));

const outcomesArb = fc.dictionary(fc.constantFrom(...OUTCOME_KEYS), outcomeArb, { minKeys: 1, maxKeys: 3 });

const marketArb = (key: string): fc.Arbitrary<MarketOdds> =>
  fc
    .record({ outcomes: outcomesArb, status: fc.constantFrom("open" as const, "suspended" as const), arb: fc.boolean() })
    .map(({ outcomes, ...rest }) => market(key, outcomes, rest));

const marketsArb = fc
  .subarray(MARKET_KEYS)
  .chain((keys) => (keys.length === 0 ? fc.constant({}) : fc.record(Object.fromEntries(keys.map((key) => [key, marketArb(key)])))));

const eventArb = (id: string): fc.Arbitrary<EventOdds> =>
  fc
    .record({
      markets: marketsArb,
      status: fc.constantFrom("active" as const, "suspended" as const),
      score: fc.option(fc.record({ home: fc.nat(9), away: fc.nat(9) }), { nil: null }),
    })
    .map((parts) => eventOdds(id, parts as Partial<EventOdds>));

export const boardArb: fc.Arbitrary<EventOdds[]> = fc.subarray(EVENT_IDS).chain((ids) => (ids.length === 0 ? fc.constant([]) : fc.tuple(...ids.map(eventArb))));

const changeFor = (eventId: string): fc.Arbitrary<Change> => {
  const at = (path: string, value: fc.Arbitrary<unknown>) => value.map((v) => ({ eventId, path, value: v }));
  const marketKey = fc.constantFrom(...MARKET_KEYS);
  const outcomeKey = fc.constantFrom(...OUTCOME_KEYS);
  return fc.oneof(
    fc.oneof(eventArb(eventId), fc.constant(null)).map((value) => ({ eventId, path: "", value })),
    at("status", fc.constantFrom("active", "suspended")),
    at("phase", fc.constantFrom("prematch", "live")),
    at("score", fc.option(fc.record({ home: fc.nat(9), away: fc.nat(9) }), { nil: null })),
    fc.nat(9).map((goals) => ({ eventId, path: "score.home", value: goals })),
    marketKey.chain((key) => fc.oneof(marketArb(key), fc.constant(null)).map((value) => ({ eventId, path: `markets.${key}`, value }))),
    marketKey.chain((key) => at(`markets.${key}.status`, fc.constantFrom("open", "suspended"))),
    fc
      .tuple(marketKey, outcomeKey)
      .chain(([key, o]) => fc.oneof(outcomeArb, fc.constant(null)).map((value) => ({ eventId, path: `markets.${key}.outcomes.${o}`, value }))),
    fc.tuple(marketKey, outcomeKey).chain(([key, o]) => at(`markets.${key}.outcomes.${o}.price`, price)),
    fc.tuple(marketKey, outcomeKey).chain(([key, o]) => at(`markets.${key}.outcomes.${o}.best`, best)),
  );
};

export const changeArb: fc.Arbitrary<Change> = fc.constantFrom(...EVENT_IDS).chain(changeFor);

/** A market filter: a non-empty subset of the keys (sometimes with a key no event has). */
export const marketFilterArb: fc.Arbitrary<string[]> = fc.subarray([...MARKET_KEYS, "corners"], { minLength: 1 });

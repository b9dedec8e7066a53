// Over 300 lines: most of it is the SQL of the few bulk statements one poll writes.
import type { Db, Tx } from "../../db";
import { type Fence, NO_FENCE } from "../producer-term";
import { type PlannedEvent, type PlannedMarket, completeBookAt, planEvent, scoreChange, uniqueById } from "./plan";
import { type QualityDrops, emptyDrops } from "./quality";
import type { ApiOddsEvent, ApiScoreEvent, ApiSport } from "./schemas";

/**
 * Maps The Odds API onto our tables (docs/odds-source.md, "Mapping onto our tables"). One poll is
 * one transaction of a few bulk statements (about six round trips whatever the poll's size), and
 * every statement writes only rows whose values really change: a BookPrice write fires the
 * change-capture trigger, so an unchanged price must not be written at all (docs/data.md).
 */

export interface OddsWrite {
  events: number;
  created: number;
  pricesWritten: number;
  pricesUnchanged: number;
  drops: QualityDrops;
  /** Our event ids whose prices were written (moved, added or removed), and of every event seen, our id by the provider's id. */
  moved: string[];
  ids: Record<string, string>;
  /**
   * The markets this poll brought usable prices for (at least one bookmaker quoting every outcome
   * after the quality filters, in an event still open), each with when its freshest complete book
   * was updated (the provider's last_update). Only these may reopen after a bet stop, and only
   * when that book was updated after the suspension.
   */
  quoted: QuotedMarket[];
}

/** A market a poll priced usably: our id, and the newest last_update of a book quoting all its outcomes. */
export interface QuotedMarket {
  marketId: string;
  bookAt: Date;
}

/** Who writes: a producer's fence, checked first in the transaction (none for tests and scripts). */
export interface WriteOptions {
  fence?: Fence;
}

const TX_OPTIONS = { maxWait: 10_000, timeout: 60_000 };

/** Upserts sports (key, title, group, active); only rows that differ are updated. */
export async function ensureSports(db: Db, sports: ApiSport[], options: WriteOptions = {}): Promise<{ created: number }> {
  const unique = uniqueById(sports.map((s) => ({ ...s, id: s.key })));
  if (unique.length === 0) return { created: 0 };
  return db.$transaction(async (tx) => {
    await (options.fence ?? NO_FENCE)(tx);
    return upsertSports(tx, unique);
  }, TX_OPTIONS);
}

async function upsertSports(tx: Tx, unique: ApiSport[]): Promise<{ created: number }> {
  const rows = await tx.$queryRaw<{ created: boolean }[]>`
    INSERT INTO "Sport" ("key", "title", "group", "active")
    SELECT * FROM unnest(${unique.map((s) => s.key)}::text[], ${unique.map((s) => s.title)}::text[],
                         ${unique.map((s) => s.group)}::text[], ${unique.map((s) => s.active)}::boolean[])
    ON CONFLICT ("key") DO UPDATE SET "title" = EXCLUDED."title", "group" = EXCLUDED."group", "active" = EXCLUDED."active", "updatedAt" = now()
    WHERE ("Sport"."title", "Sport"."group", "Sport"."active") IS DISTINCT FROM (EXCLUDED."title", EXCLUDED."group", EXCLUDED."active")
    RETURNING (xmax = 0) AS created`;
  return { created: rows.filter((r) => r.created).length };
}

/**
 * Writes one poll of `sportKey`'s odds: events, markets, outcomes and bookmaker prices, after the
 * quality filters (quality.ts). Only markets in `options.markets` are touched. Everything commits
 * together or not at all.
 * @param options.now the time that decides PREMATCH or LIVE (tests pin it)
 */
export async function writeOdds(
  db: Db,
  sportKey: string,
  events: ApiOddsEvent[],
  options: WriteOptions & { markets: string[]; now?: Date },
): Promise<OddsWrite> {
  const drops = emptyDrops();
  const now = options.now ?? new Date();
  const unique = uniqueById(events);
  const plans = unique.map((event) => planEvent(event, options.markets, now, drops));
  if (plans.length === 0) return { events: 0, created: 0, pricesWritten: 0, pricesUnchanged: 0, drops, moved: [], ids: {}, quoted: [] }; // nothing to create a sport for
  return db.$transaction(async (tx) => {
    await (options.fence ?? NO_FENCE)(tx);
    const league = await ensureSport(tx, sportKey, unique[0]?.sport_title);
    const rows = await upsertEvents(tx, sportKey, league, plans);
    const open = plans.filter((p) => rows.get(p.externalId)?.open);
    const eventIds = new Map(open.map((p) => [p.externalId, rows.get(p.externalId)?.id ?? ""]));
    const written = await writeMarkets(tx, open, eventIds, options.markets);
    return {
      events: unique.length,
      created: [...rows.values()].filter((r) => r.created).length,
      ...written,
      drops,
      ids: Object.fromEntries([...rows].map(([externalId, row]) => [externalId, row.id])),
    };
  }, TX_OPTIONS);
}

/** Creates the sport if this is its first sight (a poll may come before any sports list) and returns its title, the events' league. */
async function ensureSport(tx: Tx, key: string, title: string | undefined): Promise<string> {
  const group = key.split("_")[0] ?? key;
  const rows = await tx.$queryRaw<{ title: string }[]>`
    WITH ins AS (
      INSERT INTO "Sport" ("key", "title", "group") VALUES (${key}, ${title ?? key}, ${group.charAt(0).toUpperCase() + group.slice(1)})
      ON CONFLICT ("key") DO NOTHING RETURNING "title")
    SELECT "title" FROM ins UNION ALL SELECT "title" FROM "Sport" WHERE "key" = ${key}`;
  return rows[0]?.title ?? key;
}

interface EventRow {
  id: string;
  created: boolean;
  /** ACTIVE or SUSPENDED: its odds are written. An ENDED or CANCELLED event is left as it is. */
  open: boolean;
}

/**
 * Upserts the events by provider id and returns every one's row. An event that is over is never
 * updated (nor resurrected); phase only moves forward (GREATEST over the enum: PREMATCH < LIVE),
 * so a scores poll that saw the start is not undone by a clock a little behind.
 */
async function upsertEvents(tx: Tx, sportKey: string, league: string, plans: PlannedEvent[]): Promise<Map<string, EventRow>> {
  if (plans.length === 0) return new Map();
  const sorted = [...plans].sort((a, b) => a.externalId.localeCompare(b.externalId)); // one lock order for every writer
  const rows = await tx.$queryRaw<{ id: string; externalId: string; status: string; created: boolean }[]>`
    WITH input AS (
      SELECT * FROM unnest(${sorted.map((p) => p.externalId)}::text[], ${sorted.map((p) => p.homeTeam)}::text[],
                           ${sorted.map((p) => p.awayTeam)}::text[], ${sorted.map((p) => p.startsAt.toISOString())}::text[],
                           ${sorted.map((p) => p.phase)}::text[]) AS i("externalId", "homeTeam", "awayTeam", "startsAt", "phase")
    ), up AS (
      INSERT INTO "Event" ("externalId", "sport", "league", "homeTeam", "awayTeam", "title", "startsAt", "phase")
      SELECT i."externalId", ${sportKey}, ${league}, i."homeTeam", i."awayTeam", i."homeTeam" || ' vs ' || i."awayTeam",
             i."startsAt"::timestamptz AT TIME ZONE 'UTC', i."phase"::"EventPhase"
      FROM input i
      ON CONFLICT ("externalId") DO UPDATE SET
        "sport" = EXCLUDED."sport", "league" = EXCLUDED."league", "homeTeam" = EXCLUDED."homeTeam", "awayTeam" = EXCLUDED."awayTeam",
        "title" = EXCLUDED."title", "startsAt" = EXCLUDED."startsAt", "phase" = GREATEST("Event"."phase", EXCLUDED."phase"), "updatedAt" = now()
      WHERE "Event"."status" IN ('ACTIVE', 'SUSPENDED')
        AND ("Event"."sport", "Event"."league", "Event"."homeTeam", "Event"."awayTeam", "Event"."title", "Event"."startsAt", "Event"."phase")
            IS DISTINCT FROM (EXCLUDED."sport", EXCLUDED."league", EXCLUDED."homeTeam", EXCLUDED."awayTeam", EXCLUDED."title", EXCLUDED."startsAt", GREATEST("Event"."phase", EXCLUDED."phase"))
      RETURNING "id", "externalId", "status", (xmax = 0) AS created
    )
    SELECT "id"::text AS id, "externalId", "status"::text AS status, created FROM up
    UNION ALL
    SELECT e."id"::text, e."externalId", e."status"::text, false FROM "Event" e JOIN input i ON i."externalId" = e."externalId"
    WHERE NOT EXISTS (SELECT 1 FROM up WHERE up."externalId" = e."externalId")`;
  return new Map(rows.map((r) => [r.externalId, { id: r.id, created: r.created, open: r.status === "ACTIVE" || r.status === "SUSPENDED" }]));
}

interface MarketRow {
  id: string;
  eventId: string;
  key: string;
  lineChanged: boolean;
}

/** Markets, outcomes, then prices: removes what books no longer quote, upserts what moved. */
async function writeMarkets(tx: Tx, plans: PlannedEvent[], eventIds: Map<string, string>, marketKeys: string[]) {
  const planned = plans.flatMap((p) => p.markets.map((market) => ({ eventId: eventIds.get(p.externalId) ?? "", market })));
  const markets = await upsertMarkets(tx, planned);
  const byKey = new Map(markets.map((m) => [`${m.eventId}/${m.key}`, m]));
  const withIds = planned.flatMap(({ eventId, market }) => {
    const row = byKey.get(`${eventId}/${market.key}`);
    return row ? [{ row, market }] : [];
  });
  const outcomeIds = await upsertOutcomes(tx, withIds);
  const prices = withIds.flatMap(({ row, market }) =>
    market.quotes.flatMap((quote) =>
      market.outcomes.flatMap((o) => {
        const price = quote.prices[o.key];
        const outcomeId = outcomeIds.get(`${row.id}/${o.key}`);
        return price === undefined || outcomeId === undefined
          ? []
          : [{ outcomeId, eventId: row.eventId, book: quote.book, price, lastUpdate: quote.lastUpdate }];
      }),
    ),
  );
  const removedFrom = await deleteStalePrices(
    tx,
    [...eventIds.values()],
    marketKeys,
    markets.filter((m) => m.lineChanged).map((m) => m.id),
    prices,
  );
  const writtenOutcomes = await upsertPrices(tx, prices);
  const eventOf = new Map(prices.map((p) => [p.outcomeId, p.eventId]));
  const moved = new Set([...removedFrom, ...writtenOutcomes.map((id) => eventOf.get(id) ?? "")]);
  const quoted = withIds.flatMap(({ row, market }) => {
    const bookAt = completeBookAt(market);
    return bookAt ? [{ marketId: row.id, bookAt }] : [];
  });
  quoted.sort((a, b) => a.marketId.localeCompare(b.marketId));
  return { pricesWritten: writtenOutcomes.length, pricesUnchanged: prices.length - writtenOutcomes.length, moved: [...moved].sort(), quoted };
}

/** Upserts markets by (event, key); a line that changed is updated and reported as `lineChanged`. */
async function upsertMarkets(tx: Tx, planned: { eventId: string; market: PlannedMarket }[]): Promise<MarketRow[]> {
  if (planned.length === 0) return [];
  const sorted = [...planned].sort((a, b) => `${a.eventId}/${a.market.key}`.localeCompare(`${b.eventId}/${b.market.key}`));
  return tx.$queryRaw<MarketRow[]>`
    WITH input AS (
      SELECT * FROM unnest(${sorted.map((p) => p.eventId)}::uuid[], ${sorted.map((p) => p.market.key)}::text[],
                           ${sorted.map((p) => p.market.line)}::float8[]) AS i("eventId", "key", "line")
    ), old AS (
      SELECT m."id", m."eventId", m."key" FROM "Market" m JOIN input i ON i."eventId" = m."eventId" AND i."key" = m."key"
    ), up AS (
      INSERT INTO "Market" ("eventId", "key", "line") SELECT "eventId", "key", "line" FROM input
      ON CONFLICT ("eventId", "key") DO UPDATE SET "line" = EXCLUDED."line", "updatedAt" = now()
      WHERE "Market"."line" IS DISTINCT FROM EXCLUDED."line"
      RETURNING "id", "eventId", "key"
    )
    SELECT coalesce(up."id", old."id")::text AS id, i."eventId"::text AS "eventId", i."key",
           (old."id" IS NOT NULL AND up."id" IS NOT NULL) AS "lineChanged"
    FROM input i
    LEFT JOIN old ON old."eventId" = i."eventId" AND old."key" = i."key"
    LEFT JOIN up ON up."eventId" = i."eventId" AND up."key" = i."key"`;
}

/** Upserts each market's outcomes (name and point follow the line); returns outcome ids by "marketId/key". */
async function upsertOutcomes(tx: Tx, markets: { row: MarketRow; market: PlannedMarket }[]): Promise<Map<string, string>> {
  const input = markets.flatMap(({ row, market }) => market.outcomes.map((o) => ({ marketId: row.id, ...o })));
  if (input.length === 0) return new Map();
  const rows = await tx.$queryRaw<{ id: string; marketId: string; key: string }[]>`
    WITH input AS (
      SELECT * FROM unnest(${input.map((o) => o.marketId)}::uuid[], ${input.map((o) => o.key)}::text[],
                           ${input.map((o) => o.name)}::text[], ${input.map((o) => o.point)}::float8[]) AS i("marketId", "key", "name", "point")
    ), up AS (
      INSERT INTO "Outcome" ("marketId", "key", "name", "point") SELECT * FROM input
      ON CONFLICT ("marketId", "key") DO UPDATE SET "name" = EXCLUDED."name", "point" = EXCLUDED."point", "updatedAt" = now()
      WHERE ("Outcome"."name", "Outcome"."point") IS DISTINCT FROM (EXCLUDED."name", EXCLUDED."point")
      RETURNING "id", "marketId", "key"
    )
    SELECT "id"::text AS id, "marketId"::text AS "marketId", "key" FROM up
    UNION ALL
    SELECT o."id"::text, o."marketId"::text, o."key" FROM "Outcome" o JOIN input i ON i."marketId" = o."marketId" AND i."key" = o."key"
    WHERE NOT EXISTS (SELECT 1 FROM up WHERE up."marketId" = o."marketId" AND up."key" = o."key")`;
  return new Map(rows.map((r) => [`${r.marketId}/${r.key}`, r.id]));
}

interface PriceRow {
  outcomeId: string;
  book: string;
  price: number;
  lastUpdate: Date;
}

/**
 * Deletes, in the polled markets of these events, every price no longer quoted (a book that left,
 * a dropped outlier, a market nobody quotes any more), and every price of a market whose line
 * changed (the new line's prices are inserted after). Returns the events it removed prices from.
 */
async function deleteStalePrices(tx: Tx, eventIds: string[], marketKeys: string[], lineChanged: string[], keep: PriceRow[]): Promise<string[]> {
  if (eventIds.length === 0) return [];
  const rows = await tx.$queryRaw<{ eventId: string }[]>`
    DELETE FROM "BookPrice" bp USING "Outcome" o, "Market" m
    WHERE bp."outcomeId" = o."id" AND o."marketId" = m."id"
      AND m."eventId" = ANY(${eventIds}::uuid[]) AND m."key" = ANY(${marketKeys}::text[])
      AND (m."id" = ANY(${lineChanged}::uuid[])
           OR NOT EXISTS (SELECT 1 FROM unnest(${keep.map((p) => p.outcomeId)}::uuid[], ${keep.map((p) => p.book)}::text[]) AS k("outcomeId", "book")
                          WHERE k."outcomeId" = bp."outcomeId" AND k."book" = bp."bookmaker"))
    RETURNING m."eventId"::text AS "eventId"`;
  return [...new Set(rows.map((r) => r.eventId))];
}

/** Inserts new prices and updates those whose price moved, in one statement; returns the outcome ids written. */
async function upsertPrices(tx: Tx, prices: PriceRow[]): Promise<string[]> {
  if (prices.length === 0) return [];
  const sorted = [...prices].sort((a, b) => `${a.outcomeId}/${a.book}`.localeCompare(`${b.outcomeId}/${b.book}`));
  const rows = await tx.$queryRaw<{ outcomeId: string }[]>`
    INSERT INTO "BookPrice" ("outcomeId", "bookmaker", "price", "lastUpdate")
    SELECT i."outcomeId", i."book", i."price", i."lastUpdate"::timestamptz AT TIME ZONE 'UTC'
    FROM unnest(${sorted.map((p) => p.outcomeId)}::uuid[], ${sorted.map((p) => p.book)}::text[], ${sorted.map((p) => p.price)}::float8[],
                ${sorted.map((p) => p.lastUpdate.toISOString())}::text[]) AS i("outcomeId", "book", "price", "lastUpdate")
    ON CONFLICT ("outcomeId", "bookmaker") DO UPDATE SET "price" = EXCLUDED."price", "lastUpdate" = EXCLUDED."lastUpdate", "updatedAt" = now()
    WHERE "BookPrice"."price" IS DISTINCT FROM EXCLUDED."price"
    RETURNING "outcomeId"::text AS "outcomeId"`;
  return rows.map((r) => r.outcomeId);
}

/**
 * Applies a scores poll to the events we hold (by provider id; others are ignored): scores, LIVE
 * once started, ENDED when completed with both scores (what settlement needs). Returns our ids.
 * `scoreChanged` lists events whose known score moved (a goal: the bet stop's cue); an event's
 * first score (null before) is learning the state, not a change in the game, and is not listed.
 */
export async function writeScores(
  db: Db,
  scores: ApiScoreEvent[],
  options: WriteOptions & { now?: Date } = {},
): Promise<{ scoreChanged: string[]; started: string[]; completed: string[] }> {
  const now = options.now ?? new Date();
  const items = new Map(uniqueById(scores).map((s) => [s.id, s]));
  const result = { scoreChanged: [] as string[], started: [] as string[], completed: [] as string[] };
  if (items.size === 0) return result;
  return db.$transaction(async (tx) => {
    await (options.fence ?? NO_FENCE)(tx);
    const rows = await tx.$queryRaw<{ id: string; externalId: string; status: string; phase: string; homeScore: number | null; awayScore: number | null }[]>`
      SELECT "id"::text AS id, "externalId", "status"::text AS status, "phase"::text AS phase, "homeScore", "awayScore"
      FROM "Event" WHERE "externalId" = ANY(${[...items.keys()]}::text[]) ORDER BY "externalId" FOR UPDATE`;
    const changes = rows.flatMap((row) => {
      const item = items.get(row.externalId);
      const next = item ? scoreChange(row, item, now) : null;
      if (!next) return [];
      const known = row.homeScore !== null && row.awayScore !== null;
      if (known && (next.homeScore !== row.homeScore || next.awayScore !== row.awayScore)) result.scoreChanged.push(row.id);
      if (next.phase === "LIVE" && row.phase !== "LIVE") result.started.push(row.id);
      if (next.status === "ENDED") result.completed.push(row.id);
      return [{ id: row.id, ...next }];
    });
    if (changes.length > 0) {
      await tx.$executeRaw`
        UPDATE "Event" e SET "status" = c."status"::"EventStatus", "phase" = c."phase"::"EventPhase",
          "homeScore" = c."homeScore", "awayScore" = c."awayScore", "updatedAt" = now()
        FROM unnest(${changes.map((c) => c.id)}::uuid[], ${changes.map((c) => c.status)}::text[], ${changes.map((c) => c.phase)}::text[],
                    ${changes.map((c) => c.homeScore)}::int[], ${changes.map((c) => c.awayScore)}::int[]) AS c("id", "status", "phase", "homeScore", "awayScore")
        WHERE e."id" = c."id"`;
    }
    return result;
  }, TX_OPTIONS);
}

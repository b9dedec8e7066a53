import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { type Rng, seededRng } from "../../lib/feed/market-model";

/**
 * Concurrent writers for consistency tests, on their own connections: quick price moves, bets,
 * status/phase/score/market changes, new events, and long transactions that commit (or roll back)
 * seconds after later ones.
 */

export interface WriterCounts {
  prices: number;
  bets: number;
  statuses: number;
  longCommitted: number;
  longRolledBack: number;
  inserted: number;
}

export async function runWriters(databaseUrl: string, durationMs: number, seed = 7): Promise<WriterCounts> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 8 });
  const rng = seededRng(seed);
  const counts: WriterCounts = { prices: 0, bets: 0, statuses: 0, longCommitted: 0, longRolledBack: 0, inserted: 0 };
  const until = Date.now() + durationMs;
  const ids = async (sql: string) => (await pool.query<{ id: string }>(sql)).rows.map((r) => r.id);
  const priceIds = await ids(`SELECT id FROM "BookPrice"`);
  const outcomeIds = await ids(`SELECT id FROM "Outcome"`);
  const eventIds = await ids(`SELECT id FROM "Event"`);
  const marketIds = await ids(`SELECT id FROM "Market"`);
  const pick = (list: string[]) => list[Math.floor(rng() * list.length)] ?? "";
  const loop = async (work: () => Promise<void>, pauseMs: number) => {
    while (Date.now() < until) {
      await work();
      await sleep(pauseMs * rng());
    }
  };
  try {
    await Promise.all([
      loop(async () => {
        await pool.query(`UPDATE "BookPrice" SET price = round((1.05 + random() * 6)::numeric, 2)::float8, "lastUpdate" = now() WHERE id = $1`, [
          pick(priceIds),
        ]);
        counts.prices += 1;
      }, 20),
      loop(async () => {
        await pool.query(`INSERT INTO "Bet" ("userId", "outcomeId", stake, price) VALUES ('w', $1, $2, 2)`, [pick(outcomeIds), Math.round(rng() * 500) + 1]);
        counts.bets += 1;
      }, 60),
      loop(async () => {
        await statusChange(pool, rng, pick(eventIds), pick(marketIds));
        counts.statuses += 1;
      }, 150),
      loop(async () => {
        const rollback = (counts.longCommitted + counts.longRolledBack) % 4 === 3; // every fourth
        const committed = await longTransaction(
          pool,
          rng,
          () => pick(priceIds),
          () => pick(eventIds),
          !rollback,
        );
        if (committed) counts.longCommitted += 1;
        else counts.longRolledBack += 1;
      }, 200),
      loop(async () => {
        eventIds.push(await insertEvent(pool, rng));
        counts.inserted += 1;
      }, 2_500),
    ]);
  } finally {
    await pool.end();
  }
  return counts;
}

async function statusChange(pool: pg.Pool, rng: Rng, eventId: string, marketId: string): Promise<void> {
  const r = rng();
  if (r < 0.3)
    await pool.query(
      `UPDATE "Event" SET status = CASE WHEN status = 'ACTIVE' THEN 'SUSPENDED'::"EventStatus" ELSE 'ACTIVE'::"EventStatus" END WHERE id = $1 AND status IN ('ACTIVE', 'SUSPENDED')`,
      [eventId],
    );
  else if (r < 0.5)
    await pool.query(`UPDATE "Event" SET phase = 'LIVE', "homeScore" = COALESCE("homeScore", 0), "awayScore" = COALESCE("awayScore", 0) WHERE id = $1`, [
      eventId,
    ]);
  else if (r < 0.75) await pool.query(`UPDATE "Event" SET "homeScore" = COALESCE("homeScore", 0) + 1 WHERE id = $1`, [eventId]);
  else if (r < 0.95)
    await pool.query(
      `UPDATE "Market" SET status = CASE WHEN status = 'OPEN' THEN 'SUSPENDED'::"MarketStatus" ELSE 'OPEN'::"MarketStatus" END WHERE id = $1 AND status IN ('OPEN', 'SUSPENDED')`,
      [marketId],
    );
  else await pool.query(`UPDATE "Event" SET status = 'ENDED' WHERE id = $1`, [eventId]);
}

/** A transaction that holds its writes 0.5–2.5 s, so later short transactions commit first. */
async function longTransaction(pool: pg.Pool, rng: Rng, price: () => string, event: () => string, commit: boolean): Promise<boolean> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query(`UPDATE "BookPrice" SET price = round((1.1 + random() * 4)::numeric, 2)::float8 WHERE id = $1`, [price()]);
    await client.query(`UPDATE "Event" SET "awayScore" = COALESCE("awayScore", 0) + 1 WHERE id = $1`, [event()]);
    await sleep(500 + rng() * 2_000);
    await client.query(`UPDATE "BookPrice" SET price = round((1.1 + random() * 4)::numeric, 2)::float8 WHERE id = $1`, [price()]);
    await client.query(commit ? "COMMIT" : "ROLLBACK");
    return commit;
  } catch {
    await client.query("ROLLBACK").catch(() => {});
    return false;
  } finally {
    client.release();
  }
}

/** A new event with an h2h market priced by two books, in one transaction. */
async function insertEvent(pool: pg.Pool, rng: Rng): Promise<string> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const event = await client.query<{ id: string }>(
      `INSERT INTO "Event" (sport, league, "homeTeam", "awayTeam", title, "startsAt") VALUES ('basketball_nba', 'NBA', 'New A', 'New B', 'New A vs New B', now() + interval '2 days') RETURNING id`,
    );
    const eventId = event.rows[0]?.id ?? "";
    const market = await client.query<{ id: string }>(`INSERT INTO "Market" ("eventId", key) VALUES ($1, 'h2h') RETURNING id`, [eventId]);
    for (const key of ["home", "away"]) {
      const outcome = await client.query<{ id: string }>(`INSERT INTO "Outcome" ("marketId", key, name) VALUES ($1, $2, $3) RETURNING id`, [
        market.rows[0]?.id,
        key,
        key,
      ]);
      for (const book of ["pinnacle", "bet365"]) {
        await client.query(`INSERT INTO "BookPrice" ("outcomeId", bookmaker, price, "lastUpdate") VALUES ($1, $2, $3, now())`, [
          outcome.rows[0]?.id,
          book,
          1.5 + rng(),
        ]);
      }
    }
    await client.query("COMMIT");
    return eventId;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

import { performance } from "node:perf_hooks";
import pg from "pg";
import type { JobResult } from "./http-load";

/**
 * The database's floor for taking a bet, the baseline of bench/bets.ts and bench/placement.ts: one
 * bare INSERT of a bet row per job (the pool trigger still runs), on a pool as large as the web app's.
 */
export function insertRows(dbUrl: string, outcomeId: string): (i: number) => Promise<JobResult> {
  const pool = new pg.Pool({ connectionString: dbUrl, max: 5 });
  return async () => {
    const at = performance.now();
    await pool.query(`INSERT INTO "Bet" ("userId", "outcomeId", stake, price) VALUES ('bench', $1, 1, 1.5)`, [outcomeId]);
    return { ok: true, ms: performance.now() - at };
  };
}

import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";

/** Moves random bookmaker prices every `everyMs` until stopped: steady publishing for tests. */
export function priceLoop(databaseUrl: string, everyMs = 40): { written(): number; stop(): Promise<number> } {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  let running = true;
  let count = 0;
  const done = (async () => {
    while (running) {
      await pool
        .query(
          `UPDATE "BookPrice" SET price = round((1.05 + random() * 6)::numeric, 2)::float8 WHERE id = (SELECT id FROM "BookPrice" ORDER BY random() LIMIT 1)`,
        )
        .then(
          () => (count += 1),
          () => {},
        );
      await sleep(everyMs);
    }
  })();
  return {
    /** Price updates committed so far. */
    written: () => count,
    stop: async () => {
      running = false;
      await done;
      await pool.end();
      return count;
    },
  };
}

import type { SportsAnswer } from "@/lib/protocol";
import { json, unavailable } from "../../_lib/http";
import { services } from "../../_lib/services";
import { listSports } from "../../_lib/sports";

export const dynamic = "force-dynamic";

/**
 * GET /api/sports → `SportsAnswer` `{ sports: [{ key, title, group, isEsports, activeEvents, liveEvents }] }` (docs/http.md),
 * from the publisher's catalogue and board summary in Redis; `X-Served-From: postgres` while the
 * publisher has written neither yet. Redis down (or Postgres, on that cold path): 503.
 */
export async function GET(): Promise<Response> {
  const { db, redis } = services();
  try {
    const read = await listSports(db, redis);
    const response = json({ sports: read.sports } satisfies SportsAnswer);
    response.headers.set("x-served-from", read.source);
    return response;
  } catch (error) {
    return unavailable(error, "Redis");
  }
}

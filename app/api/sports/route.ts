import type { SportsAnswer } from "@/lib/protocol";
import { json, unavailable } from "../../_lib/http";
import { services } from "../../_lib/services";
import { listSports } from "../../_lib/sports";

export const dynamic = "force-dynamic";

/** GET /api/sports → `SportsAnswer` `{ sports: [{ key, title, group, isEsports, activeEvents, liveEvents }] }` (docs/http.md); Postgres down: 503. */
export async function GET(): Promise<Response> {
  try {
    return json({ sports: await listSports(services().db) } satisfies SportsAnswer);
  } catch (error) {
    return unavailable(error, "Postgres");
  }
}

import { json, unavailable } from "../../_lib/http";
import { services } from "../../_lib/services";
import { listSports } from "../../_lib/sports";

export const dynamic = "force-dynamic";

/** GET /api/sports → `{ sports: [{ key, title, group, isEsports, activeEvents, liveEvents }] }` */
export async function GET(): Promise<Response> {
  try {
    return json({ sports: await listSports(services().db) });
  } catch (error) {
    return unavailable(error, "Postgres");
  }
}

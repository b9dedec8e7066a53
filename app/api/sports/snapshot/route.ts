import { z } from "zod";
import { KEYS, SportKey, isReplayable, readHistory, readSnapshot } from "../../../../lib/protocol";
import { apiError, json, unavailable } from "../../../_lib/http";
import { limit } from "../../../_lib/limits";
import { services } from "../../../_lib/services";

export const dynamic = "force-dynamic";

const Query = z.object({
  sport: SportKey,
  since: z.coerce.number().int().min(0).optional(),
});

/**
 * GET /api/sports/snapshot?sport=KEY            → { sport, seq, ts, events }
 * GET /api/sports/snapshot?sport=KEY&since=SEQ  → { sport, seq, deltas: [...] }  every delta after SEQ, in order
 *                                               → { resync: true, snapshot }    when history no longer reaches back
 * Always `Cache-Control: no-store`. docs/protocol.md, "HTTP". `since` reads are limited per client
 * address (REPLAY_RATE_*): 429 `rate_limited` with Retry-After.
 */
export async function GET(request: Request): Promise<Response> {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const query = Query.safeParse(params);
  if (!query.success) {
    const issue = query.error.issues[0];
    return apiError(400, "invalid_request", `${issue?.path.join(".") || "query"}: ${issue?.message ?? "invalid"} (use ?sport=KEY&since=SEQ)`);
  }
  const { sport, since } = query.data;
  if (since !== undefined) {
    // The replay read walks the sport's history: limited per address (it needs no account).
    const limited = await limit(request, "replay");
    if (limited) return limited;
  }
  try {
    const { redis } = services();
    if ((await redis.sismember(KEYS.sports, sport)) !== 1) return apiError(404, "unknown_sport", `unknown sport: ${sport}`);
    if (since === undefined) return json(await readSnapshot(redis, sport));
    const history = await readHistory(redis, sport, since);
    if (since === history.seq) return json({ sport, seq: history.seq, deltas: [] });
    if (since < history.seq && isReplayable(history.entries, since, history.seq)) {
      return json({ sport, seq: history.seq, deltas: history.entries.map(({ v, type, ...delta }) => delta) });
    }
    return json({ resync: true, snapshot: await readSnapshot(redis, sport) });
  } catch (error) {
    return unavailable(error, "Redis");
  }
}

import { z } from "zod";
import { KEYS, type ReplayAnswer, SportKey, isReplayable, packDelta, readHistory } from "@/lib/protocol";
import { apiError, json, jsonText, unavailable } from "@/app/_lib/http";
import { limit } from "@/app/_lib/limits";
import { services } from "@/app/_lib/services";
import { currentSnapshot, snapshotOf } from "@/app/_lib/snapshots";

export const dynamic = "force-dynamic";

const Query = z.object({
  sport: SportKey,
  since: z.coerce.number().int().min(0).optional(),
});

/**
 * GET /api/sports/snapshot?sport=KEY            → OddsSnapshot { sport, seq, ts, events }
 * GET /api/sports/snapshot?sport=KEY&since=SEQ  → ReplayAnswer { sport, seq, deltas: [WireDelta, …] }: every delta after
 *                                                 SEQ in order, packed `byEvent` as the socket sends them
 *                                               → ReplayAnswer { resync: true, snapshot } when history cannot serve SEQ
 * Always `Cache-Control: no-store` (docs/http.md). Redis only; a snapshot at a seq already read is
 * served from process memory (app/_lib/snapshots.ts). `since` reads are limited per client address
 * (REPLAY_RATE_*): 429 `rate_limited` with Retry-After.
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
    if (since === undefined) {
      const current = await currentSnapshot(redis, sport);
      if (!current) return apiError(404, "unknown_sport", `unknown sport: ${sport}`);
      return jsonText(current.json);
    }
    if ((await redis.sismember(KEYS.sports, sport)) !== 1) return apiError(404, "unknown_sport", `unknown sport: ${sport}`);
    const history = await readHistory(redis, sport, since);
    if (since === history.seq) return json({ sport, seq: history.seq, deltas: [] } satisfies ReplayAnswer);
    if (since < history.seq && isReplayable(history.entries, since, history.seq)) {
      return json({ sport, seq: history.seq, deltas: history.entries.map(({ v, type, ...delta }) => packDelta(delta)) } satisfies ReplayAnswer);
    }
    return json({ resync: true, snapshot: await snapshotOf(redis, sport) } satisfies ReplayAnswer);
  } catch (error) {
    return unavailable(error, "Redis");
  }
}

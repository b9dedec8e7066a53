import type { Db } from "@/lib/db";
import { ESPORTS_SPORT_KEY, type SportListing } from "@/lib/protocol";

/**
 * Active sports with their board event counts, in one query. Esports events stored with a null
 * sport count under the `esports` key, as the publisher files them.
 */
export async function listSports(db: Db): Promise<SportListing[]> {
  const [sports, counts] = await Promise.all([
    db.sport.findMany({
      where: { active: true },
      select: { key: true, title: true, group: true, isEsports: true },
      orderBy: [{ group: "asc" }, { title: "asc" }],
    }),
    db.$queryRaw<{ key: string; active: bigint; live: bigint }[]>`
      SELECT COALESCE("sport", ${ESPORTS_SPORT_KEY}) AS key,
             count(*) AS active,
             count(*) FILTER (WHERE "phase" = 'LIVE') AS live
      FROM "Event"
      WHERE "status" IN ('ACTIVE', 'SUSPENDED') AND ("sport" IS NOT NULL OR "isEsports")
      GROUP BY 1`,
  ]);
  const byKey = new Map(counts.map((row) => [row.key, row]));
  return sports.map((sport) => ({
    ...sport,
    activeEvents: Number(byKey.get(sport.key)?.active ?? 0),
    liveEvents: Number(byKey.get(sport.key)?.live ?? 0),
  }));
}

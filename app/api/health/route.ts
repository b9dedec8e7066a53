import { json } from "../../_lib/http";
import { services } from "../../_lib/services";

export const dynamic = "force-dynamic";

/** GET /api/health → 200 when Postgres and Redis answer, 503 (naming which) when not. */
export async function GET(): Promise<Response> {
  const { db, redis } = services();
  const [postgres, redisOk] = await Promise.all([
    db.$queryRaw`SELECT 1`.then(
      () => "ok" as const,
      () => "unreachable" as const,
    ),
    redis.ping().then(
      () => "ok" as const,
      () => "unreachable" as const,
    ),
  ]);
  const healthy = postgres === "ok" && redisOk === "ok";
  return json({ status: healthy ? "ok" : "degraded", postgres, redis: redisOk }, healthy ? 200 : 503);
}

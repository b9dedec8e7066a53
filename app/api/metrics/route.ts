import { readSourceReport } from "../../../lib/protocol";
import { sourceMetrics } from "../../_lib/source-metrics";
import { services } from "../../_lib/services";

export const dynamic = "force-dynamic";

/**
 * GET /api/metrics: Prometheus metrics of the odds source (credits, plan and spend per sport and
 * per day, breakers, freshness). The relay serves its own at :3001/metrics. Redis down: 503.
 */
export async function GET(): Promise<Response> {
  try {
    const registry = sourceMetrics(await readSourceReport(services().redis), Date.now());
    return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType, "cache-control": "no-store" } });
  } catch {
    return new Response("# Redis is unreachable: the odds source's report cannot be read\n", { status: 503, headers: { "content-type": "text/plain" } });
  }
}

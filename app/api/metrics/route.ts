import { readSourceReport } from "@/lib/protocol";
import { addPublisherMetrics } from "../../_lib/publisher-metrics";
import { publisherStatus } from "../../_lib/publisher";
import { sourceMetrics } from "../../_lib/source-metrics";
import { services } from "../../_lib/services";

export const dynamic = "force-dynamic";

/**
 * GET /api/metrics: Prometheus metrics of the publisher (running, tick duration percentiles, last
 * tick, totals) and of the odds source (credits, plan and spend per sport and per day, breakers,
 * freshness). The relay serves its own at :3001/metrics, with database → relay lag. Redis down: 503.
 */
export async function GET(): Promise<Response> {
  try {
    const [report, status] = await Promise.all([readSourceReport(services().redis), publisherStatus()]);
    const registry = sourceMetrics(report, Date.now());
    addPublisherMetrics(registry, status);
    return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType, "cache-control": "no-store" } });
  } catch {
    return new Response("# Redis is unreachable: the publisher's and the odds source's reports cannot be read\n", {
      status: 503,
      headers: { "content-type": "text/plain" },
    });
  }
}

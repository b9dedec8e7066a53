import { env, expectedProducer } from "@/lib/env";
import { type PublisherStatus, readDesired, readStatus } from "@/lib/publisher/control";
import { readProducerStatus } from "@/lib/publisher/producer-status";
import { services } from "./services";

/**
 * The publisher's status as GET /api/sports/ws-publisher and the admin overview report it: the
 * recorded decision (or "unreachable" when Postgres is down), the lease and the leader's report,
 * and apart from its health, the odds producer's liveness. Throws when Redis cannot be read.
 */
export async function publisherStatus(): Promise<PublisherStatus> {
  const config = env();
  const { db, redis } = services();
  const recorded = await readDesired(db).catch(() => "unreachable" as const);
  const [status, producer] = await Promise.all([
    readStatus(redis, recorded, { intervalMs: config.PUBLISHER_INTERVAL_MS, autostart: config.PUBLISHER_AUTOSTART }),
    readProducerStatus(redis, { expected: expectedProducer(config), silenceMs: config.PRODUCER_SILENCE_MS }),
  ]);
  return { ...status, producer };
}

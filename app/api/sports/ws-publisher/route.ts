import { z } from "zod";
import { env } from "../../../../lib/env";
import { type DesiredState, type PublisherStatus, readDesired, readStatus, setDesired } from "../../../../lib/publisher/control";
import { json, readJsonBody, unavailable } from "../../../_lib/http";
import { services } from "../../../_lib/services";
import { requireAdmin } from "../../../_lib/session";

export const dynamic = "force-dynamic";

/**
 * The publisher's control: POST starts, DELETE stops (admin only, idempotent), GET reports.
 * POST and DELETE record the admin's decision in Postgres and wake the publisher processes
 * through Redis; GET reads the decision and the leader's report. The handlers never run the
 * publisher, so they work on any number of web instances, serverless included.
 *
 * GET answers 200 while the publisher is `ok` or `stopped`, and 503 (with the same body) while it
 * is `failing`, so a load balancer or a health check reads it without parsing.
 */

const StartBody = z.strictObject({ intervalMs: z.number().int().min(50).max(60_000).optional() });
const StopBody = z.strictObject({});
/** The control bodies are a few bytes; nothing larger is read. */
const MAX_CONTROL_BODY_BYTES = 1_024;

/** How long POST/DELETE wait for the leader to confirm before answering with what they see. */
const CONFIRM_WITHIN_MS = 3_000;

export async function GET(): Promise<Response> {
  try {
    const current = await status();
    return json(current, current.health.status === "failing" ? 503 : 200);
  } catch (error) {
    return unavailable(error, "Redis");
  }
}

export async function POST(request: Request): Promise<Response> {
  const admin = await requireAdmin(request);
  if ("response" in admin) return admin.response;
  const body = await readJsonBody(request, StartBody, '{"intervalMs": 500}', MAX_CONTROL_BODY_BYTES);
  if (!body.ok) return body.response;
  return decide("running", admin.actor, body.value.intervalMs);
}

export async function DELETE(request: Request): Promise<Response> {
  const admin = await requireAdmin(request);
  if ("response" in admin) return admin.response;
  const body = await readJsonBody(request, StopBody, "no body", MAX_CONTROL_BODY_BYTES);
  if (!body.ok) return body.response;
  return decide("stopped", admin.actor);
}

/**
 * Records the decision (keeping the interval unless one is given), then waits for the leader.
 * `actor` says how the admin proved it ("the admin token", "an admin account"), never more: the
 * status route is public.
 */
async function decide(state: DesiredState, actor: string, intervalMs?: number): Promise<Response> {
  const { db, redis } = services();
  try {
    const previous = await readDesired(db);
    await setDesired(db, redis, { state, intervalMs: intervalMs ?? previous?.intervalMs ?? env().PUBLISHER_INTERVAL_MS, updatedBy: actor });
  } catch (error) {
    return unavailable(error, "Postgres", "nothing was changed; try again shortly");
  }
  try {
    return json(await confirm(state === "running" ? leaderRuns : leaderStopped));
  } catch (error) {
    return unavailable(error, "Redis", "the decision is recorded, and the publisher follows it once Redis is back");
  }
}

/** The leader reports ticking successfully at the recorded interval. */
const leaderRuns = (s: PublisherStatus) => s.running && s.leader?.intervalMs === s.intervalMs;
/** The leader reports following the stop and no longer ticking. */
const leaderStopped = (s: PublisherStatus) => s.leader?.following === "stopped" && !s.leader.ticking;

async function status(): Promise<PublisherStatus> {
  const config = env();
  const { db, redis } = services();
  const recorded = await readDesired(db).catch(() => "unreachable" as const);
  return readStatus(redis, recorded, { intervalMs: config.PUBLISHER_INTERVAL_MS, autostart: config.PUBLISHER_AUTOSTART });
}

/** Polls the status until `done` holds or time runs out; says why when it did not converge. */
async function confirm(done: (status: PublisherStatus) => boolean): Promise<PublisherStatus & { confirmed: boolean; warning?: string }> {
  const deadline = Date.now() + CONFIRM_WITHIN_MS;
  let current = await status();
  while (!done(current) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    current = await status();
  }
  if (done(current)) return { ...current, confirmed: true };
  const warning = current.leader
    ? `the leader (${current.leader.instanceId}) has not confirmed yet${current.health.reason ? ` (${current.health.reason})` : ""}; check GET again`
    : "no publisher process holds the lease: start one (pm2 start ecosystem.config.cjs --only publisher)";
  return { ...current, confirmed: false, warning };
}

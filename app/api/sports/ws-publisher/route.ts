import { z } from "zod";
import { tellAdmins } from "@/lib/admin-events";
import { env } from "@/lib/env";
import { type DesiredState, type PublisherStatus, decideDesired } from "@/lib/publisher/control";
import { readSourceReport } from "@/lib/protocol";
import { auditActor } from "@/app/_lib/admin";
import { json, readJsonBody, unavailable } from "@/app/_lib/http";
import { publisherStatus as status } from "@/app/_lib/publisher";
import { services } from "@/app/_lib/services";
import { type Admin, requireAdmin } from "@/app/_lib/session";

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
    // The odds source's own report rides along (null with the simulator): its plan, spend per
    // sport and per day, credits, breakers and staleness (docs/odds-source.md). The producer's
    // liveness (`producer`) is part of the status, apart from `health`: a dead feed never makes
    // this answer 503, and a failing publisher never hides the producer's state.
    const [current, source] = await Promise.all([status(), readSourceReport(services().redis)]);
    return json({ ...current, source }, current.health.status === "failing" ? 503 : 200);
  } catch (error) {
    return unavailable(error, "Redis");
  }
}

export async function POST(request: Request): Promise<Response> {
  const admin = await requireAdmin(request);
  if ("response" in admin) return admin.response;
  const body = await readJsonBody(request, StartBody, '{"intervalMs": 500}', MAX_CONTROL_BODY_BYTES);
  if (!body.ok) return body.response;
  return decide("running", admin, body.value.intervalMs);
}

export async function DELETE(request: Request): Promise<Response> {
  const admin = await requireAdmin(request);
  if ("response" in admin) return admin.response;
  const body = await readJsonBody(request, StopBody, "no body", MAX_CONTROL_BODY_BYTES);
  if (!body.ok) return body.response;
  return decide("stopped", admin);
}

/**
 * Records the decision (keeping the interval unless one is given) with its audit entry when it
 * changes something (one transaction), tells the admins what it changed (nothing when it changed
 * nothing), then waits for the leader. The public record names the admin only by `admin.actor`
 * ("the admin token", "an admin account"): the status route is public. The admins' own feed and
 * the audit log name them (`admin.by`).
 */
async function decide(state: DesiredState, admin: Admin, intervalMs?: number): Promise<Response> {
  const { db, redis } = services();
  const config = env();
  const defaults = { state: config.PUBLISHER_AUTOSTART ? "running" : "stopped", intervalMs: config.PUBLISHER_INTERVAL_MS } as const;
  try {
    const decided = await decideDesired(db, redis, { state, intervalMs }, { updatedBy: admin.actor, actor: auditActor(admin) }, defaults);
    if (decided.notice) await tellAdmins(redis, decided.notice.kind, decided.notice.data, decided.auditId ?? undefined);
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

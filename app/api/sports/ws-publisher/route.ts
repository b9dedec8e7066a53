import { z } from "zod";
import { env } from "../../../../lib/env";
import { parseJson } from "../../../../lib/protocol";
import { type PublisherStatus, readDesired, readStatus, setDesired } from "../../../../lib/publisher/control";
import { apiError, json, requireAdmin, unavailable } from "../../../_lib/http";
import { services } from "../../../_lib/services";

export const dynamic = "force-dynamic";

/**
 * The publisher's control: POST starts, DELETE stops (admin only, idempotent), GET reports.
 * These handlers only record the desired state in Redis and read the leader's report, so they work
 * on any number of web instances, serverless included; publisher processes do the work.
 */

const StartBody = z.strictObject({ intervalMs: z.number().int().min(50).max(60_000).optional() });

/** How long POST/DELETE wait for the leader to confirm before answering with what they see. */
const CONFIRM_WITHIN_MS = 3_000;

export async function GET(): Promise<Response> {
  try {
    return json(await status());
  } catch (error) {
    return unavailable(error, "Redis");
  }
}

export async function POST(request: Request): Promise<Response> {
  const denied = requireAdmin(request);
  if (denied) return denied;
  const body = await readBody(request);
  if (!body.ok) return apiError(400, "invalid_request", body.message);
  try {
    const { redis } = services();
    const previous = await readDesired(redis);
    const intervalMs = body.value.intervalMs ?? previous?.intervalMs ?? env().PUBLISHER_INTERVAL_MS;
    await setDesired(redis, { state: "running", intervalMs, updatedBy: actor(request) });
    return json(await confirm((s) => s.running && s.intervalMs === intervalMs));
  } catch (error) {
    return unavailable(error, "Redis");
  }
}

export async function DELETE(request: Request): Promise<Response> {
  const denied = requireAdmin(request);
  if (denied) return denied;
  try {
    const { redis } = services();
    const previous = await readDesired(redis);
    await setDesired(redis, { state: "stopped", intervalMs: previous?.intervalMs ?? env().PUBLISHER_INTERVAL_MS, updatedBy: actor(request) });
    return json(await confirm((s) => !s.running));
  } catch (error) {
    return unavailable(error, "Redis");
  }
}

function status(): Promise<PublisherStatus> {
  const config = env();
  return readStatus(services().redis, { intervalMs: config.PUBLISHER_INTERVAL_MS, autostart: config.PUBLISHER_AUTOSTART });
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
    ? `the leader (${current.leader.instanceId}) has not confirmed yet; check GET again`
    : "no publisher process holds the lease: start one (pm2 start ecosystem.config.cjs --only publisher)";
  return { ...current, confirmed: false, warning };
}

async function readBody(request: Request): Promise<{ ok: true; value: z.infer<typeof StartBody> } | { ok: false; message: string }> {
  const text = await request.text();
  if (text.trim() === "") return { ok: true, value: {} };
  const parsed = parseJson(StartBody, text);
  return parsed.ok ? { ok: true, value: parsed.message } : { ok: false, message: `body: ${parsed.error} (e.g. {"intervalMs": 500})` };
}

function actor(request: Request): string {
  return `admin@${request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() || "local"}`;
}

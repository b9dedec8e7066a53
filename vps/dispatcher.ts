import type { Socket } from "socket.io";
import type { Logger } from "../lib/log";
import {
  type Ack,
  AuthRequest,
  type AuthResult,
  type ClientToServerEvents,
  type ErrorCode,
  LIMITS,
  type PingResult,
  SubscribeRequest,
  type SubscribeResult,
  UnsubscribeRequest,
} from "../lib/protocol";
import { AuthError, type Identity } from "./auth";
import type { Client } from "./client";
import { makeFilter } from "./filters";
import type { RelayMetrics } from "./metrics";
import { type ResumeSources, readResume, resume } from "./resume";
import { type SportCache, UnavailableError } from "./sport-cache";

/**
 * The messages a client sends (docs/protocol.md "Client → relay"): every packet is guarded (rate
 * limit, size, known event names), then dispatched to its handler, and every message is answered,
 * through its ack and, on a refusal, an `error` event too. The state each handler reads and
 * changes is the client's (client.ts); `subscribe` brings it up to date through resume.ts.
 */

export interface DispatchContext {
  /** This relay instance's name, as in /health; `ping` tells the client. */
  instanceId: string;
  cache: Pick<SportCache, "exists">;
  resume: ResumeSources;
  metrics: Pick<RelayMetrics, "clientErrors">;
  log: Logger;
  maxSubscriptions: number;
  /** Checks a relay token (its signature and its revocations, tokens.ts). */
  authenticate(token: unknown): Promise<Identity>;
}

class ClientError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

type Reply = ((result: never) => void) | undefined;

const KNOWN_EVENTS = new Set(["subscribe", "unsubscribe", "ping", "auth"]);

/** Guards every packet the client's socket receives and dispatches the four client events. */
export function dispatch(socket: Pick<Socket, "use" | "on">, client: Client, ctx: DispatchContext): void {
  socket.use((packet, next) => guard(client, ctx, packet, next));
  const on = listen(socket, client, ctx);
  on("subscribe", 1, ([raw]) => subscribe(client, ctx, raw));
  on("unsubscribe", 1, ([raw]) => unsubscribe(client, raw));
  on("ping", 0, () => ping(client, ctx));
  on("auth", 1, ([raw]) => reauthenticate(client, ctx, raw));
}

/**
 * Listens for a client event whose acknowledgement (if any) is its last argument and that takes
 * at most `maxArgs` other arguments. Every call is answered: the result through the ack, and any
 * refusal, stray arguments included, through the ack and an `error` event.
 */
function listen(socket: Pick<Socket, "on">, client: Client, ctx: DispatchContext) {
  return <T extends object>(event: keyof ClientToServerEvents, maxArgs: number, handle: (args: unknown[]) => T | Promise<T>): void => {
    (socket.on as (event: string, listener: (...args: unknown[]) => void) => void)(event, (...args) => {
      const last = args[args.length - 1];
      const ack = typeof last === "function" ? (last as (result: Ack<T>) => void) : undefined;
      const payload = ack ? args.slice(0, -1) : args;
      void respond(client, ctx, ack, async () => {
        if (payload.length > maxArgs) {
          throw new ClientError(
            "invalid_payload",
            maxArgs === 0 ? `${event} takes no payload` : `${event} takes one payload object, got ${payload.length} arguments`,
          );
        }
        return handle(payload);
      });
    });
  };
}

/** Middleware for every client packet: rate limit, size limit, known event names; a flood is cut. */
function guard(client: Client, ctx: DispatchContext, packet: unknown[], next: (err?: Error) => void): void {
  client.stats.received += 1;
  const [event] = packet;
  const ack = packet.length > 1 && typeof packet[packet.length - 1] === "function" ? (packet[packet.length - 1] as Reply) : undefined;
  const refuse = (code: ErrorCode, message: string) => {
    sendError(client, ctx, ack, code, message);
    if (!client.limiter.refused(Date.now())) return;
    ctx.log.warn({ socket: client.id, ip: client.address }, "disconnecting a flooding client");
    client.close({ kind: "flood" });
  };
  if (!client.limiter.take(Date.now())) refuse("rate_limited", "too many messages; slow down");
  else if (typeof event !== "string" || !KNOWN_EVENTS.has(event)) refuse("invalid_payload", `unknown event ${JSON.stringify(String(event)).slice(0, 80)}`);
  else if (payloadBytes(packet) > LIMITS.maxMessageBytes) refuse("payload_too_large", `messages are limited to ${LIMITS.maxMessageBytes} bytes`);
  else next();
}

function payloadBytes(packet: unknown[]): number {
  try {
    return Buffer.byteLength(JSON.stringify(packet.filter((p) => typeof p !== "function")));
  } catch {
    return Number.POSITIVE_INFINITY; // cyclic or unserialisable: not from a well-behaved client
  }
}

/** Runs a handler and answers through the ack (if any) and, on failure, an `error` event too. */
async function respond<T extends object>(client: Client, ctx: DispatchContext, ack: ((r: Ack<T>) => void) | undefined, work: () => Promise<T>): Promise<void> {
  try {
    const result = await work();
    if (typeof ack === "function") ack({ ok: true, ...result });
  } catch (error) {
    if (error instanceof ClientError) return sendError(client, ctx, ack, error.code, error.message);
    if (error instanceof UnavailableError) return sendError(client, ctx, ack, "unavailable", error.message);
    ctx.log.error({ err: error instanceof Error ? error.stack : String(error) }, "handler failed");
    sendError(client, ctx, ack, "internal", "internal error");
  }
}

function sendError(client: Client, ctx: DispatchContext, ack: Reply, code: ErrorCode, message: string): void {
  ctx.metrics.clientErrors.inc({ code });
  const error = { code, message };
  client.send("error", error);
  if (typeof ack === "function") (ack as (r: Ack) => void)({ ok: false, error });
}

function describe(issues: { path: PropertyKey[]; message: string }[]): string {
  const issue = issues[0];
  if (!issue) return "invalid payload";
  return issue.path.length ? `${issue.path.map(String).join(".")}: ${issue.message}` : issue.message;
}

/** All or nothing: checked against the subscription cap and the known sports before anything is sent or joined. */
async function subscribe(client: Client, ctx: DispatchContext, raw: unknown): Promise<SubscribeResult> {
  const parsed = SubscribeRequest.safeParse(raw);
  if (!parsed.success) throw new ClientError("invalid_payload", `subscribe: ${describe(parsed.error.issues)}`);
  const sports = [...new Set(parsed.data.sports)];
  const events = [...new Set(parsed.data.events ?? [])];
  const subs = client.subscriptions;
  const adding = sports.filter((sport) => !subs.sports.has(sport)).length + events.filter((eventId) => !subs.events.has(eventId)).length;
  if (subs.count() + adding > ctx.maxSubscriptions) {
    throw new ClientError("too_many_subscriptions", `at most ${ctx.maxSubscriptions} sports and events per connection`);
  }
  const known = await Promise.all(sports.map((sport) => ctx.cache.exists(sport)));
  const unknown = sports.filter((_, i) => !known[i]);
  if (unknown.length) throw new ClientError("unknown_sport", `unknown sport: ${unknown.join(", ")}`);
  const resumeFrom = parsed.data.resume ?? {};
  const older = await readResume(ctx.resume.cache, sports, resumeFrom);
  if (!client.connected) return { sports: {}, events };
  const filter = makeFilter(parsed.data.markets, parsed.data.books);
  const answer = resume(client, { sports, resume: resumeFrom, merged: parsed.data.replay === "merged", filter }, older, ctx.resume);
  for (const eventId of events) subs.joinEvent(eventId, filter);
  return { sports: answer, events };
}

function unsubscribe(client: Client, raw: unknown): { sports: string[] } {
  const parsed = UnsubscribeRequest.safeParse(raw ?? {});
  if (!parsed.success) throw new ClientError("invalid_payload", `unsubscribe: ${describe(parsed.error.issues)}`);
  const subs = client.subscriptions;
  const sports = parsed.data.sports?.length ? parsed.data.sports : parsed.data.events?.length ? [] : [...subs.sports.keys()];
  for (const sport of sports) subs.leaveSport(sport);
  for (const eventId of parsed.data.events ?? []) subs.leaveEvent(eventId);
  return { sports: [...subs.sports.keys()] };
}

/**
 * A fresh token for the open connection: the page refreshes before the old one runs out, or signs
 * in, out, or into another account without reconnecting. It counts exactly as a new handshake
 * with that token would. `auth` messages answer in the order they were sent: one that a later one
 * overtook (a slow verification, say) changes nothing.
 */
async function reauthenticate(client: Client, ctx: DispatchContext, raw: unknown): Promise<AuthResult> {
  const parsed = AuthRequest.safeParse(raw);
  if (!parsed.success) throw new ClientError("invalid_payload", `auth: ${describe(parsed.error.issues)}`);
  const seq = client.identity.nextAuth();
  let identity: Identity;
  try {
    identity = await ctx.authenticate(parsed.data.token);
  } catch (error) {
    throw new ClientError("unauthorized", error instanceof AuthError ? error.message : "token rejected");
  }
  if (!client.identity.isLatestAuth(seq)) throw new ClientError("invalid_payload", "auth: a later auth message replaced this one");
  if (client.connected) client.takeOn(identity);
  return { sub: identity?.sub ?? null, role: identity?.role ?? null, expiresAt: identity ? new Date(identity.exp * 1000).toISOString() : null };
}

function ping(client: Client, ctx: DispatchContext): PingResult {
  const now = Date.now();
  return {
    serverTime: now,
    connectedAt: client.stats.connectedAt,
    messagesSent: client.outbound.sent,
    messagesReceived: client.stats.received,
    rooms: client.rooms(),
    instanceId: ctx.instanceId,
    stats: client.stats.delivery(now),
  };
}

import type { Socket } from "socket.io";
import type { Logger } from "../lib/log";
import {
  type Ack,
  AuthRequest,
  type AuthResult,
  type ClientToServerEvents,
  type ErrorCode,
  LIMITS,
  type OddsDeltaMessage,
  type PingResult,
  type ServerToClientEvents,
  SubscribeRequest,
  type SubscribeResult,
  UnsubscribeRequest,
  packDelta,
} from "../lib/protocol";
import { AuthError, type Identity } from "./auth";
import { assume, forget, revoke } from "./identity";
import type { InterServerEvents } from "./cluster";
import { type Delivery, SLOW_ROOM } from "./delivery";
import { filterDelta, makeFilter, sameFilter, sportPart } from "./filters";
import type { RelayMetrics } from "./metrics";
import { TokenBucket } from "./rate-limit";
import { type Outbound, type SlowConsumers, newOutbound } from "./slow-consumers";
import { type ResumePlan, type SportCache, UnavailableError } from "./sport-cache";
import { type Subscriptions, emptySubscriptions, heldSubscriptions, joinEvent, joinSport, leaveEvent, leaveSport } from "./subscriptions";

export interface SocketData {
  identity: Identity;
  /** Counts `auth` messages: the answer of one that a later one overtook is dropped. */
  authSeq: number;
  /** Ends the identity's private rooms when its token runs out. */
  expiry: NodeJS.Timeout | null;
  connectedAt: number;
  limiter: TokenBucket;
  received: number;
  /** What goes out: messages, bytes held, conflation (slow-consumers.ts). */
  outbound: Outbound;
  /** The sports and events held, each with its filter. */
  subs: Subscriptions;
  /** Refusals in the current 10 s window, to cut off a client that keeps flooding. */
  refusals: { count: number; windowStart: number };
}

export type RelaySocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export interface ConnectionContext {
  /** This relay instance's name, as in /health; `ping` tells the client. */
  instanceId: string;
  cache: SportCache;
  delivery: Delivery;
  slow: SlowConsumers;
  metrics: RelayMetrics;
  log: Logger;
  maxSubscriptions: number;
  rate: { perSec: number; burst: number };
  /** Checks a relay token (auth.ts with the relay's secret, and its revocations). */
  authenticate: (token: unknown) => Promise<Identity>;
  /** Whether this relay has heard that a token was revoked (revocations.ts), checked as a socket joins its rooms. */
  voids: (identity: NonNullable<Identity>) => boolean;
}

class ClientError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const KNOWN_EVENTS = new Set(["subscribe", "unsubscribe", "ping", "auth"]);
/** Refusals per 10 s after which a flooding client is disconnected. */
const FLOOD_DISCONNECT_AFTER = 100;

export function initSocketData(socket: RelaySocket, identity: Identity, ctx: ConnectionContext): void {
  const now = Date.now();
  socket.data = {
    identity,
    authSeq: 0,
    expiry: null,
    connectedAt: now,
    limiter: new TokenBucket(ctx.rate.perSec, ctx.rate.burst, now),
    received: 0,
    outbound: newOutbound(),
    subs: emptySubscriptions(),
    refusals: { count: 0, windowStart: now },
  };
}

/** Wires one connection: its identity from the handshake, a guard on every message, the client events. */
export function handleConnection(socket: RelaySocket, ctx: ConnectionContext): void {
  takeOn(socket, ctx, socket.data.identity);
  socket.once("disconnect", () => forget(socket));
  ctx.slow.track(socket);
  socket.use((packet, next) => guard(socket, ctx, packet, next));
  on(socket, ctx, "subscribe", 1, ([raw]) => subscribe(socket, ctx, raw));
  on(socket, ctx, "unsubscribe", 1, ([raw]) => unsubscribe(socket, raw));
  on(socket, ctx, "ping", 0, () => ping(socket, ctx));
  on(socket, ctx, "auth", 1, ([raw]) => reauthenticate(socket, ctx, raw));
}

/**
 * Joins the identity's private rooms, unless a revocation this relay heard of arrived after the
 * token was checked (against Redis) but before this moment: then it leaves them again at once.
 */
function takeOn(socket: RelaySocket, ctx: ConnectionContext, identity: Identity): void {
  assume(socket, identity);
  if (identity && ctx.voids(identity)) revoke(socket);
}

/**
 * Listens for a client event whose acknowledgement (if any) is its last argument and that takes
 * at most `maxArgs` other arguments. Every call is answered: the result through the ack, and any
 * refusal, stray arguments included, through the ack and an `error` event.
 */
function on<T extends object>(socket: RelaySocket, ctx: ConnectionContext, event: keyof ClientToServerEvents, maxArgs: number, handle: (args: unknown[]) => T | Promise<T>): void {
  (socket.on as (event: string, listener: (...args: unknown[]) => void) => void)(event, (...args) => {
    const last = args[args.length - 1];
    const ack = typeof last === "function" ? (last as (result: Ack<T>) => void) : undefined;
    const payload = ack ? args.slice(0, -1) : args;
    void respond(socket, ctx, ack, async () => {
      if (payload.length > maxArgs) {
        throw new ClientError("invalid_payload", maxArgs === 0 ? `${event} takes no payload` : `${event} takes one payload object, got ${payload.length} arguments`);
      }
      return handle(payload);
    });
  });
}

/** Middleware for every client packet: rate limit, size limit, known event names. */
function guard(socket: RelaySocket, ctx: ConnectionContext, packet: unknown[], next: (err?: Error) => void): void {
  socket.data.received += 1;
  const [event] = packet;
  const ack = packet.length > 1 && typeof packet[packet.length - 1] === "function" ? (packet[packet.length - 1] as (r: unknown) => void) : undefined;
  const refuse = (code: ErrorCode, message: string) => {
    sendError(socket, ctx, ack, code, message);
    countRefusal(socket, ctx);
  };
  if (!socket.data.limiter.take(Date.now())) return refuse("rate_limited", "too many messages; slow down");
  if (typeof event !== "string" || !KNOWN_EVENTS.has(event)) return refuse("invalid_payload", `unknown event ${JSON.stringify(String(event)).slice(0, 80)}`);
  if (payloadBytes(packet) > LIMITS.maxMessageBytes) return refuse("payload_too_large", `messages are limited to ${LIMITS.maxMessageBytes} bytes`);
  next();
}

function payloadBytes(packet: unknown[]): number {
  try {
    return Buffer.byteLength(JSON.stringify(packet.filter((p) => typeof p !== "function")));
  } catch {
    return Number.POSITIVE_INFINITY; // cyclic or unserialisable: not from a well-behaved client
  }
}

function countRefusal(socket: RelaySocket, ctx: ConnectionContext): void {
  const now = Date.now();
  const window = socket.data.refusals;
  if (now - window.windowStart > 10_000) {
    window.count = 0;
    window.windowStart = now;
  }
  window.count += 1;
  if (window.count === FLOOD_DISCONNECT_AFTER) {
    ctx.log.warn({ socket: socket.id, ip: socket.handshake.address }, "disconnecting a flooding client");
    socket.disconnect(true);
  }
}

/** Runs a handler and answers through the ack (if any) and, on failure, an `error` event too. */
async function respond<T extends object>(socket: RelaySocket, ctx: ConnectionContext, ack: ((r: Ack<T>) => void) | undefined, work: () => Promise<T>): Promise<void> {
  try {
    const result = await work();
    if (typeof ack === "function") ack({ ok: true, ...result });
  } catch (error) {
    if (error instanceof ClientError) return sendError(socket, ctx, ack, error.code, error.message);
    if (error instanceof UnavailableError) return sendError(socket, ctx, ack, "unavailable", error.message);
    ctx.log.error({ err: error instanceof Error ? error.stack : String(error) }, "handler failed");
    sendError(socket, ctx, ack, "internal", "internal error");
  }
}

function sendError(socket: RelaySocket, ctx: ConnectionContext, ack: ((r: never) => void) | undefined, code: ErrorCode, message: string): void {
  ctx.metrics.clientErrors.inc({ code });
  const error = { code, message };
  socket.emit("error", error);
  if (typeof ack === "function") (ack as (r: Ack) => void)({ ok: false, error });
}

function describe(issues: { path: PropertyKey[]; message: string }[]): string {
  const issue = issues[0];
  if (!issue) return "invalid payload";
  return issue.path.length ? `${issue.path.map(String).join(".")}: ${issue.message}` : issue.message;
}

async function subscribe(socket: RelaySocket, ctx: ConnectionContext, raw: unknown): Promise<SubscribeResult> {
  const parsed = SubscribeRequest.safeParse(raw);
  if (!parsed.success) throw new ClientError("invalid_payload", `subscribe: ${describe(parsed.error.issues)}`);
  const sports = [...new Set(parsed.data.sports)];
  const events = [...new Set(parsed.data.events ?? [])];
  const subs = socket.data.subs;
  const adding = sports.filter((sport) => !subs.sports.has(sport)).length + events.filter((eventId) => !subs.events.has(eventId)).length;
  if (heldSubscriptions(subs) + adding > ctx.maxSubscriptions) {
    throw new ClientError("too_many_subscriptions", `at most ${ctx.maxSubscriptions} sports and events per connection`);
  }
  const known = await Promise.all(sports.map((sport) => ctx.cache.exists(sport)));
  const unknown = sports.filter((_, i) => !known[i]);
  if (unknown.length) throw new ClientError("unknown_sport", `unknown sport: ${unknown.join(", ")}`);
  const resume = parsed.data.resume ?? {};
  await Promise.all(sports.map((sport) => ctx.cache.ensure(sport)));
  const older = new Map<string, OddsDeltaMessage[]>();
  const readOlder = (sport: string) => (resume[sport] === undefined ? Promise.resolve([]) : ctx.cache.historyBefore(sport, resume[sport]));
  await Promise.all(sports.map(async (sport) => older.set(sport, await readOlder(sport))));
  // Until the reads hold still: a catch-up may be running, or deltas that came in during a history
  // read may have moved the ring past its end. A few rounds, then whatever is decided is exact
  // anyway (a snapshot at worst).
  const unsettled = () => sports.filter((sport) => ctx.cache.isBusy(sport) || (resume[sport] !== undefined && ctx.cache.historyFallsShort(sport, resume[sport], older.get(sport) ?? [])));
  for (let tries = 0, pending = unsettled(); tries < 5 && pending.length > 0; tries += 1, pending = unsettled()) {
    await Promise.all(pending.map((sport) => ctx.cache.ensure(sport)));
    await Promise.all(pending.map(async (sport) => older.set(sport, await readOlder(sport))));
  }
  const result: SubscribeResult = { sports: {}, events };
  if (!socket.connected) return result;
  const filter = makeFilter(parsed.data.markets, parsed.data.books);
  // One synchronous block: what each sport's subscriber needs is sent and the room joined
  // between two deltas, so nothing is missed or doubled.
  for (const sport of sports) {
    const since = resume[sport];
    const held = subs.sports.get(sport);
    // A new filter for a held sport: what the client holds was cut by the old one, so a resume
    // from it cannot be trusted; it gets the state under the new filter, flagged resync.
    const refiltered = held !== undefined && !sameFilter(held, sportPart(filter));
    let plan: ResumePlan = since === undefined || refiltered ? { mode: "snapshot" } : ctx.cache.resumePlan(sport, since, older.get(sport) ?? []);
    if (plan.mode === "replay" && !ctx.slow.replayFits(plan.deltas)) plan = { mode: "snapshot" };
    if (plan.mode === "snapshot") socket.emit("odds:snapshot", ctx.delivery.snapshot(sport, filter, since !== undefined || refiltered));
    if (plan.mode === "replay" && since !== undefined && parsed.data.replay === "merged") socket.emit("odds:delta", ctx.delivery.replay(sport, since, plan.deltas, filter));
    else if (plan.mode === "replay") for (const delta of plan.deltas) socket.emit("odds:delta", packDelta(filterDelta(delta, filter)));
    joinSport(socket, sport, filter);
    ctx.slow.subscribed(socket, sport);
    result.sports[sport] = { seq: ctx.cache.seq(sport) ?? 0, mode: plan.mode, replayed: plan.mode === "replay" ? plan.deltas.length : 0 };
  }
  for (const eventId of events) joinEvent(socket, eventId, filter);
  return result;
}

function unsubscribe(socket: RelaySocket, raw: unknown): { sports: string[] } {
  const parsed = UnsubscribeRequest.safeParse(raw ?? {});
  if (!parsed.success) throw new ClientError("invalid_payload", `unsubscribe: ${describe(parsed.error.issues)}`);
  const subs = socket.data.subs;
  const sports = parsed.data.sports?.length ? parsed.data.sports : parsed.data.events?.length ? [] : [...subs.sports.keys()];
  for (const sport of sports) leaveSport(socket, sport);
  for (const eventId of parsed.data.events ?? []) leaveEvent(socket, eventId);
  return { sports: [...subs.sports.keys()] };
}

/**
 * A fresh token for the open connection: the page refreshes before the old one runs out, or signs
 * in, out, or into another account without reconnecting. It counts exactly as a new handshake
 * with that token would. `auth` messages answer in the order they were sent: one that a later one
 * overtook (a slow verification, say) changes nothing.
 */
async function reauthenticate(socket: RelaySocket, ctx: ConnectionContext, raw: unknown): Promise<AuthResult> {
  const parsed = AuthRequest.safeParse(raw);
  if (!parsed.success) throw new ClientError("invalid_payload", `auth: ${describe(parsed.error.issues)}`);
  const seq = ++socket.data.authSeq;
  let identity: Identity;
  try {
    identity = await ctx.authenticate(parsed.data.token);
  } catch (error) {
    throw new ClientError("unauthorized", error instanceof AuthError ? error.message : "token rejected");
  }
  if (seq !== socket.data.authSeq) throw new ClientError("invalid_payload", "auth: a later auth message replaced this one");
  if (socket.connected) takeOn(socket, ctx, identity);
  return { sub: identity?.sub ?? null, role: identity?.role ?? null, expiresAt: identity ? new Date(identity.exp * 1000).toISOString() : null };
}

function ping(socket: RelaySocket, ctx: ConnectionContext): PingResult {
  const now = Date.now();
  return {
    serverTime: now,
    connectedAt: socket.data.connectedAt,
    messagesSent: socket.data.outbound.sent,
    messagesReceived: socket.data.received,
    rooms: [...socket.rooms].filter((room) => room !== socket.id && room !== SLOW_ROOM),
    instanceId: ctx.instanceId,
    stats: ctx.slow.stats(socket, now),
  };
}

// Over 300 lines: one socket's life (connect, back off, resume every sport, refresh the token, validate every message) is one state machine, read best in one place.
import { type Socket, io } from "socket.io-client";
import type { z } from "zod";
import {
  AdminEvent,
  AuthResult,
  ChatDeleted,
  ChatMessage,
  ClientStats,
  type ClientToServerEvents,
  ErrorPayload,
  EventBooks,
  EventUpdate,
  FeedStatus,
  OddsSnapshot,
  PingResult,
  type ServerToClientEvents,
  SportsSummary,
  SubscribeResult,
  UserUpdate,
  ackOf,
  readWireDelta,
} from "../protocol";
import type { AccountStore } from "./account-store";
import type { OddsStore } from "./odds-store";

export type ConnectionState = "connecting" | "live" | "reconnecting" | "offline";

export interface ConnectionStatus {
  state: ConnectionState;
  /** Failed connection attempts since the last success. */
  attempts: number;
  /** When the last snapshot or delta arrived (browser clock, ms). */
  lastUpdateAt: number | null;
  /** Median of recent database-write → browser-receipt times, ms (publisher commit when a delta has no origin; assumes synced clocks). */
  latencyMs: number | null;
  /** Round trip of the last ping, ms. */
  rttMs: number | null;
  feed: FeedStatus | null;
  /**
   * Whether the relay has this connection in its account's private room (a token was taken and has
   * not run out): only then do that account's `user:update`s arrive.
   */
  personal: boolean;
  /** The last error the relay sent, or why we cannot connect. */
  error: string | null;
  /** The relay's own error behind `error`, as sent (a cut, a refused handshake), for the badge to word; null for network failures. */
  relayError: ErrorPayload | null;
}

/** After this many failed attempts in a row the page says "offline" (it keeps retrying). */
const OFFLINE_AFTER_ATTEMPTS = 3;
const LATENCY_SAMPLES = 50;
const PING_EVERY_MS = 10_000;
/** Longest wait before trying a relay that refused us for being full, or hung up on us, again, ms. */
const RETRY_MAX_MS = 30_000;
/** Connected this long, ms, a hang-up counts as the first in a row again. */
const STABLE_AFTER_MS = 60_000;
/**
 * Socket.IO's own reconnect after a lost transport: waits of 0.5 s ±50 %, 1 s ±50 %, then 1–2 s
 * (doubling ±50 %, capped at 2 s). The jitter spreads a relay's pages over its restart. The cap
 * matters for the pages whose first two tries came before the relay listened again: their third
 * comes 1–2 s later and any after it 2 s apart, so a relay back from a restart has them within
 * about 2 s. A try against a relay that is down costs one refused TCP connect. The load bench's clients
 * reconnect the same way.
 */
export const RECONNECT_DELAYS = { reconnectionDelay: 500, reconnectionDelayMax: 2_000, randomizationFactor: 0.5 } as const;

/** Relay messages a page may listen to through `LiveConnection.on`, each validated before it is handed over. */
const LISTENABLE = {
  "event:update": EventUpdate,
  "event:books": EventBooks,
  "chat:message": ChatMessage,
  "chat:delete": ChatDeleted,
  "admin:event": AdminEvent,
  /** This connection's delivery counters from the relay, every few seconds. */
  stats: ClientStats,
} as const;
export type Listenable = keyof typeof LISTENABLE;

/** The relay's answers to what this connection asks, validated like every message before use. */
const SubscribeAck = ackOf(SubscribeResult);
const AuthAck = ackOf(AuthResult);
const PingAck = ackOf(PingResult);

/**
 * The page's one connection to the relay. Keeps every sport it was asked for subscribed (so tab
 * switches are instant and stay current), resubscribes with `resume` after a reconnect, asks for
 * a resync when the store reports a gap, and publishes a status for the indicator.
 */
export class LiveConnection {
  private readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  private readonly sports = new Set<string>();
  private readonly events = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private readonly reconnectListeners = new Set<() => void>();
  private readonly subscribedListeners = new Set<(events: string[]) => void>();
  private connectedBefore = false;
  /** Handshakes refused in a row, and the timer that asks for a fresh token after the last one. */
  private refusals = 0;
  private refusalTimer: ReturnType<typeof setTimeout> | null = null;
  /** Handshakes refused in a row because the relay (or our address) is at its connection limit. */
  private fullRefusals = 0;
  /** Server hang-ups in a row (e.g. `slow_consumer`), and when the last connection began. */
  private hangUps = 0;
  private connectedAt = 0;
  /** The pending reconnect after a refusal for being full or a hang-up (see `comeBack`). */
  private comeBackTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly latencies: number[] = [];
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private current: ConnectionStatus = {
    state: "connecting",
    attempts: 0,
    lastUpdateAt: null,
    latencyMs: null,
    rttMs: null,
    feed: null,
    personal: false,
    error: null,
    relayError: null,
  };

  constructor(
    url: string,
    private readonly store: OddsStore,
    private readonly options: {
      token?: string;
      /** Where this bettor's `user:update`s go. */
      account?: AccountStore;
      /** The relay refused or ran out the token: fetch a fresh one and call `setToken`. */
      onTokenExpired?: () => void;
    } = {},
  ) {
    this.socket = io(url, {
      transports: ["websocket"],
      auth: options.token ? { token: options.token } : {},
      ...RECONNECT_DELAYS,
      autoConnect: false,
    });
    store.onGap = (sport, seq) => void this.subscribe([sport], { [sport]: seq });
    this.wire();
  }

  connect(): void {
    this.socket.connect();
    this.pingTimer = setInterval(() => this.ping(), PING_EVERY_MS);
  }

  close(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.refusalTimer) clearTimeout(this.refusalTimer);
    if (this.comeBackTimer) clearTimeout(this.comeBackTimer);
    this.socket.close();
  }

  /**
   * Hands the relay a fresh token (null: act anonymously) without reconnecting; later reconnects
   * use it too. Returns whether the relay took it.
   */
  async setToken(token: string | null): Promise<boolean> {
    this.socket.auth = token ? { token } : {};
    if (!this.socket.connected) {
      if (!this.socket.active) this.socket.connect(); // a refused handshake is not retried by itself
      return true;
    }
    const answer: unknown = await this.socket
      .timeout(5_000)
      .emitWithAck("auth", { token })
      .catch(() => null);
    const taken = AuthAck.safeParse(answer).data?.ok === true;
    this.update({ personal: taken && token !== null });
    return taken;
  }

  /** Adds a sport to what this connection follows (subscribing now if connected). */
  follow(sport: string): void {
    if (this.sports.has(sport)) return;
    this.sports.add(sport);
    if (this.socket.connected) void this.subscribe([sport], this.resumeFor([sport]));
  }

  /**
   * Also follows one event's own room (its book-level prices, status updates and chat), with its
   * sport, whose odds carry the event's prices.
   */
  followEvent(sport: string, eventId: string): void {
    this.sports.add(sport);
    this.events.add(eventId);
    if (this.socket.connected) void this.subscribe([sport], this.resumeFor([sport]));
  }

  /** Listens to one kind of relay message; malformed ones are dropped. Returns the way to stop. */
  on<E extends Listenable>(event: E, listener: (message: z.infer<(typeof LISTENABLE)[E]>) => void): () => void {
    const schema = LISTENABLE[event] as z.ZodType<unknown>;
    const handler = (raw: unknown) => {
      const parsed = schema.safeParse(raw);
      if (parsed.success) listener(parsed.data as z.infer<(typeof LISTENABLE)[E]>);
    };
    (this.socket.on as (event: string, handler: (raw: unknown) => void) => void)(event, handler);
    return () => (this.socket.off as (event: string, handler: (raw: unknown) => void) => void)(event, handler);
  }

  status(): ConnectionStatus {
    return this.current;
  }

  onStatus(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called after every reconnect (not the first connect): whatever was sent meanwhile was missed. */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  /**
   * Called each time the relay acknowledges a subscription, with the events it covered: from then
   * on the connection is in those events' rooms (chat included), so history read now misses
   * nothing later. (A reconnect fires onReconnect before it has resubscribed.)
   */
  onSubscribed(listener: (events: string[]) => void): () => void {
    this.subscribedListeners.add(listener);
    return () => this.subscribedListeners.delete(listener);
  }

  private wire(): void {
    const socket = this.socket;
    socket.on("connect", () => {
      this.connectedAt = Date.now();
      this.update({ state: "live", attempts: 0, error: null, relayError: null, personal: false });
      this.refusals = 0;
      this.fullRefusals = 0;
      // The handshake may have left before the current token was set: hand it over explicitly.
      const token = (socket.auth as { token?: string }).token;
      if (token) void this.setToken(token);
      if (this.connectedBefore) for (const listener of this.reconnectListeners) listener();
      this.connectedBefore = true;
      if (this.sports.size) void this.subscribe([...this.sports], this.resumeFor([...this.sports]));
      this.ping();
    });
    socket.on("disconnect", (reason) => {
      this.update({ state: "reconnecting", personal: false });
      if (reason === "io server disconnect") this.hungUp(); // on purpose (too slow, say): come back anyway
    });
    socket.on("connect_error", (error: Error & { data?: unknown }) => {
      // A handshake the relay refused carries its reason; a network failure carries none.
      const refusal = ErrorPayload.safeParse(error.data);
      if (error.message === "unauthorized") this.refused();
      if (refusal.success && refusal.data.code === "too_many_connections") this.full();
      const attempts = this.current.attempts + 1;
      const state: ConnectionState = attempts >= OFFLINE_AFTER_ATTEMPTS ? "offline" : "reconnecting";
      const reason = refusal.success ? `the live server refused the connection: ${refusal.data.message}` : `cannot reach the live server (${error.message})`;
      this.update({ state, attempts, error: reason, relayError: refusal.success ? refusal.data : null });
    });
    // Validated before use: a malformed message is never applied. Its sport is fetched whole
    // again (a replay could hand back the same bad delta).
    socket.on("odds:snapshot", (raw) => {
      const snapshot = OddsSnapshot.safeParse(raw);
      if (!snapshot.success) return this.rejected("snapshot", raw);
      this.store.applySnapshot(snapshot.data);
      this.update({ lastUpdateAt: Date.now() });
    });
    socket.on("odds:delta", (raw) => {
      const delta = readWireDelta(raw);
      if (!delta) return this.rejected("delta", raw);
      this.store.applyDelta(delta);
      // From the database write when the delta says when it was, else from the publisher's commit.
      this.sample(Date.now() - (delta.origin ?? delta.ts));
      this.update({ lastUpdateAt: Date.now() });
    });
    socket.on("feed:status", (raw) => {
      const feed = FeedStatus.safeParse(raw);
      if (feed.success) this.update({ feed: feed.data });
    });
    socket.on("sports:summary", (raw) => {
      const summary = SportsSummary.safeParse(raw);
      if (summary.success) this.store.applySummary(summary.data);
    });
    socket.on("user:update", (raw) => {
      const update = UserUpdate.safeParse(raw);
      if (update.success) this.options.account?.apply(update.data);
    });
    socket.on("error", (raw: unknown) => {
      const parsed = ErrorPayload.safeParse(raw);
      if (!parsed.success) return;
      const error = parsed.data;
      // Out of the private rooms either way; a fresh token brings them back (unless signed out).
      if (error.code === "token_expired" || error.code === "token_revoked") {
        this.update({ personal: false });
        this.options.onTokenExpired?.();
      }
      this.update({ error: `${error.code}: ${error.message}`, relayError: error });
    });
  }

  /**
   * The relay refused the handshake's token: ask for a fresh one, at once the first time, then
   * backing off (1 s, 2 s, … a minute), so a token the relay can never take does not spin.
   */
  private refused(): void {
    this.refusals += 1;
    if (this.refusalTimer) clearTimeout(this.refusalTimer);
    const wait = this.refusals === 1 ? 0 : Math.min(60_000, 1_000 * 2 ** (this.refusals - 2));
    this.refusalTimer = setTimeout(() => this.options.onTokenExpired?.(), wait);
  }

  /**
   * The relay is at a connection limit, and Socket.IO does not retry a refused handshake: try again
   * after a jittered wait that doubles from about a second up to 30 s, so a full relay is not
   * stampeded by every page it refused at the same moment.
   */
  private full(): void {
    this.fullRefusals += 1;
    this.comeBack(this.fullRefusals);
  }

  /**
   * The relay hung up on purpose (a `slow_consumer` cut, or another server-side disconnect), after
   * which Socket.IO does not reconnect by itself. Come back after the same jittered, doubling wait
   * as for a full relay, so the clients a relay sheds at one moment do not all return at the next;
   * the `subscribe` on connect resumes from the seqs held.
   */
  private hungUp(): void {
    if (Date.now() - this.connectedAt > STABLE_AFTER_MS) this.hangUps = 0;
    this.hangUps += 1;
    this.comeBack(this.hangUps);
  }

  /** Connects again after the jittered wait for the `attempt`-th retry in a row (Socket.IO will not by itself). */
  private comeBack(attempt: number): void {
    if (this.comeBackTimer) clearTimeout(this.comeBackTimer);
    this.comeBackTimer = setTimeout(() => {
      if (!this.socket.active) this.socket.connect();
    }, jitteredWait(attempt));
  }

  private rejected(kind: string, raw: unknown): void {
    const sport = typeof raw === "object" && raw !== null && "sport" in raw ? String((raw as { sport: unknown }).sport) : null;
    this.update({ error: `ignored a malformed ${kind}${sport ? ` for ${sport}` : ""}; reloading it` });
    if (sport && this.sports.has(sport)) void this.subscribe([sport], {});
  }

  private resumeFor(sports: string[]): Record<string, number> {
    const resume: Record<string, number> = {};
    for (const sport of sports) {
      const seq = this.store.seq(sport);
      if (seq !== null) resume[sport] = seq;
    }
    return resume;
  }

  private async subscribe(sports: string[], resume: Record<string, number>): Promise<void> {
    const request = {
      sports,
      ...(this.events.size ? { events: [...this.events] } : {}),
      ...(Object.keys(resume).length ? { resume, replay: "merged" as const } : {}),
    };
    try {
      const answer = SubscribeAck.safeParse(await this.socket.timeout(10_000).emitWithAck("subscribe", request));
      if (!answer.success) return this.update({ error: "the live server answered a subscription with something unexpected" });
      const result = answer.data;
      if (!result.ok) return this.update({ error: `${result.error.code}: ${result.error.message}` });
      for (const listener of this.subscribedListeners) listener(request.events ?? []);
    } catch {
      this.update({ error: "the live server did not answer a subscription in time" });
    }
  }

  private ping(): void {
    if (!this.socket.connected) return;
    const sent = performance.now();
    this.socket
      .timeout(5_000)
      .emitWithAck("ping")
      .then(
        (ack: unknown) => PingAck.safeParse(ack).data?.ok === true && this.update({ rttMs: Math.round(performance.now() - sent) }),
        () => {},
      );
  }

  private sample(latencyMs: number): void {
    this.latencies.push(Math.max(0, latencyMs));
    if (this.latencies.length > LATENCY_SAMPLES) this.latencies.shift();
    const sorted = [...this.latencies].sort((a, b) => a - b);
    this.update({ latencyMs: sorted[Math.floor(sorted.length / 2)] ?? null });
  }

  private update(patch: Partial<ConnectionStatus>): void {
    this.current = { ...this.current, ...patch };
    for (const listener of this.listeners) listener();
  }
}

/** The wait before the n-th retry in a row, ms: between half and all of 1 s · 2^(n−1), at most 30 s. */
function jitteredWait(attempt: number): number {
  const ceiling = Math.min(RETRY_MAX_MS, 1_000 * 2 ** (attempt - 1));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

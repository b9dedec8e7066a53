/**
 * One client process of bench/relay-load.ts (forked with an IPC channel; see load-messages.ts).
 * It holds many connections to the server under test, socket.io-client ones to the relay or plain
 * `ws` ones to the baseline, and measures what they receive: delivery latency (receipt − the
 * delta's `ts`, one machine so one clock), deliveries, gaps and duplicates per connection and
 * sport, and, after a server is lost, each connection's way back.
 */
import { type Socket, io } from "socket.io-client";
import WebSocket from "ws";
import { RECONNECT_DELAYS } from "../../lib/live/connection";
import type { Ack, ClientToServerEvents, OddsDelta, ServerToClientEvents, SubscribeResult } from "../../lib/protocol";
import { LatencyHistogram } from "./latency-histogram";
import { ClientCommand, type ClientReport, type ClientStats, type Recovery } from "./load-messages";
import { SeqTracker } from "./seq-tracker";

interface LoadClient {
  tracker: SeqTracker;
  /** Subscribed and acknowledged: deltas now are live broadcasts, not replays. */
  live: boolean;
  close(): void;
}

type Delta = Pick<OddsDelta, "sport" | "seq" | "prevSeq" | "ts">;
type Connect = Extract<ClientCommand, { type: "connect" }>;

/** Everything measured since the last reset, over all of this process's connections. */
class Measurement {
  latency = new LatencyHistogram();
  deliveries = 0;
  firstAt = 0;
  lastAt = 0;
  replayed = 0;
  disconnects = 0;
  failedResumes = 0;
  firstError: string | null = null;
  modes = { snapshot: 0, replay: 0, current: 0 };
  /** Why connections were lost ("ping timeout", "transport close", …), counted. */
  reasons: Record<string, number> = {};
  readonly recoveries = new Map<LoadClient, Recovery>();
  private base = { gaps: 0, duplicates: 0, resyncs: 0, merged: 0 };

  delta(client: LoadClient, delta: Delta, now: number): void {
    const outcome = client.tracker.delta(delta.sport, delta.seq, delta.prevSeq);
    if (!client.live) {
      // Resumes ask for a merged replay: one delta standing for every seq it spans.
      this.replayed += delta.seq - delta.prevSeq;
      return;
    }
    this.deliveries += 1;
    this.latency.record(now - delta.ts);
    if (this.firstAt === 0) this.firstAt = now;
    this.lastAt = now;
    const recovery = this.recoveries.get(client);
    if (recovery && recovery.resumedAt !== null && recovery.firstLiveAt === null && outcome === "applied") recovery.firstLiveAt = now;
  }

  disconnected(client: LoadClient, now: number, reason: string): void {
    this.disconnects += 1;
    this.reasons[reason] = (this.reasons[reason] ?? 0) + 1;
    this.recoveries.set(client, { disconnectedAt: now, reconnectedAt: null, resumedAt: null, firstLiveAt: null });
  }

  error(message: string): void {
    this.firstError ??= message;
  }

  reset(clients: LoadClient[]): void {
    Object.assign(this, {
      deliveries: 0,
      firstAt: 0,
      lastAt: 0,
      replayed: 0,
      disconnects: 0,
      failedResumes: 0,
      firstError: null,
      modes: { snapshot: 0, replay: 0, current: 0 },
      reasons: {},
    });
    this.latency.reset();
    this.recoveries.clear();
    this.base = totals(clients);
  }

  stats(clients: LoadClient[]): ClientStats {
    const now = totals(clients);
    return {
      connected: clients.length,
      deliveries: this.deliveries,
      firstAt: this.firstAt,
      lastAt: this.lastAt,
      replayed: this.replayed,
      latency: this.latency.toSparse(),
      gaps: now.gaps - this.base.gaps,
      duplicates: now.duplicates - this.base.duplicates,
      resyncs: now.resyncs - this.base.resyncs,
      merged: now.merged - this.base.merged,
      disconnects: this.disconnects,
      reasons: this.reasons,
      modes: this.modes,
      recoveries: [...this.recoveries.values()],
      failedResumes: this.failedResumes,
      firstError: this.firstError,
    };
  }
}

function totals(clients: LoadClient[]): { gaps: number; duplicates: number; resyncs: number; merged: number } {
  const sum = { gaps: 0, duplicates: 0, resyncs: 0, merged: 0 };
  for (const { tracker } of clients) {
    sum.gaps += tracker.gaps;
    sum.duplicates += tracker.duplicates;
    sum.resyncs += tracker.resyncs;
    sum.merged += tracker.merged;
  }
  return sum;
}

const measurement = new Measurement();
const clients: LoadClient[] = [];

/**
 * A socket.io-client connection as the page makes it (WebSocket only, the page's reconnect
 * delays, or with `libraryDelays` socket.io-client's own), subscribing to `sports`, and after every reconnect resubscribing with `resume`.
 * Resolves once the first subscription is acknowledged; rejects when that fails.
 */
function openSocketIo(command: Connect): Promise<LoadClient> {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(command.url, {
    transports: ["websocket"],
    forceNew: true, // one engine per client: without it every client would share one WebSocket
    reconnection: command.reconnect,
    ...(command.libraryDelays ? {} : RECONNECT_DELAYS),
    timeout: 20_000,
  });
  const client: LoadClient = { tracker: new SeqTracker("snapshot"), live: false, close: () => socket.close() };
  socket.on("odds:snapshot", (snapshot) => client.tracker.snapshot(snapshot.sport, snapshot.seq, snapshot.resync === true));
  socket.on("odds:delta", (delta) => measurement.delta(client, delta, Date.now()));
  socket.on("disconnect", (reason) => {
    client.live = false;
    measurement.disconnected(client, Date.now(), reason);
    if (reason === "io server disconnect" && command.reconnect) socket.connect(); // as the page does
  });
  return new Promise((resolve, reject) => {
    let subscribedOnce = false;
    socket.on("connect_error", (error) => {
      if (subscribedOnce) return; // the Manager retries by itself
      socket.close();
      reject(error);
    });
    socket.on("connect", () => {
      const resuming = subscribedOnce;
      const recovery = measurement.recoveries.get(client);
      if (resuming && recovery) recovery.reconnectedAt = Date.now();
      subscribe(socket, client, command.sports, resuming).then(
        () => {
          subscribedOnce = true;
          resolve(client);
        },
        (error: Error) => {
          if (!resuming) {
            socket.close();
            reject(error);
          }
        },
      );
    });
  });
}

/** Subscribes (with `resume` when coming back) and marks the connection live once acknowledged. */
async function subscribe(socket: Socket<ServerToClientEvents, ClientToServerEvents>, client: LoadClient, sports: string[], resuming: boolean): Promise<void> {
  const resume = resuming ? client.tracker.resume() : {};
  const timedOut: Ack<SubscribeResult> = { ok: false, error: { code: "unavailable", message: "no subscribe ack within 30 s" } };
  const ack: Ack<SubscribeResult> = await socket
    .timeout(30_000)
    .emitWithAck("subscribe", { sports, ...(Object.keys(resume).length ? { resume, replay: "merged" } : {}) })
    .catch(() => timedOut);
  if (!ack.ok) {
    if (resuming) measurement.failedResumes += 1;
    measurement.error(`subscribe: ${ack.error.code}: ${ack.error.message}`);
    throw new Error(ack.error.message);
  }
  for (const sport of Object.values(ack.sports)) measurement.modes[sport.mode] += 1;
  client.live = true;
  const recovery = measurement.recoveries.get(client);
  if (resuming && recovery) recovery.resumedAt = Date.now();
}

/**
 * A plain WebSocket connection to the bare `ws` baseline: sends `{type:"subscribe", sports}`,
 * then reads one JSON text frame per delta. No reconnects: the baseline has no resume.
 */
function openWs(command: Connect): Promise<LoadClient> {
  const ws = new WebSocket(command.url);
  const client: LoadClient = { tracker: new SeqTracker("first-delta"), live: false, close: () => ws.close() };
  return new Promise((resolve, reject) => {
    ws.on("open", () => ws.send(JSON.stringify({ type: "subscribe", sports: command.sports })));
    ws.on("message", (data) => {
      let message: { type?: string; message?: string } & Delta;
      try {
        message = JSON.parse(data.toString());
      } catch {
        return measurement.error("ws: a frame that is not JSON");
      }
      if (message.type === "subscribed") {
        client.live = true;
        resolve(client);
      } else if (message.type === "error") {
        measurement.error(`ws: ${message.message}`);
      } else {
        measurement.delta(client, message, Date.now());
      }
    });
    ws.on("error", (error) => {
      measurement.error(`ws: ${error.message}`);
      reject(error);
    });
    ws.on("close", (code) => {
      if (client.live) measurement.disconnected(client, Date.now(), `close ${code}`);
      client.live = false;
    });
  });
}

/** Opens `count` connections, `concurrency` handshakes at a time, so setup is staggered. */
async function connectAll(command: Connect): Promise<{ connected: number; failed: number; firstError: string | null }> {
  const open = command.transport === "socket.io" ? openSocketIo : openWs;
  let started = 0;
  let failed = 0;
  let firstError: string | null = null;
  const before = clients.length;
  await Promise.all(
    Array.from({ length: Math.min(command.concurrency, command.count) }, async () => {
      while (started < command.count) {
        started += 1;
        try {
          clients.push(await open(command));
        } catch (error) {
          failed += 1;
          firstError ??= error instanceof Error ? error.message : String(error);
        }
      }
    }),
  );
  return { connected: clients.length - before, failed, firstError };
}

async function awaitSeqs(seqs: Record<string, number>, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const behind = clients.filter((client) => !client.tracker.reached(seqs)).length;
    if (behind === 0 || Date.now() > deadline) return behind;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function send(report: ClientReport): void {
  process.send?.(report);
}

async function handle(command: ClientCommand): Promise<void> {
  const { id } = command;
  switch (command.type) {
    case "connect":
      return send({ v: 1, type: "connected", id, ...(await connectAll(command)) });
    case "reset":
      measurement.reset(clients);
      return send({ v: 1, type: "done", id });
    case "await-seqs":
      return send({ v: 1, type: "caught-up", id, behind: await awaitSeqs(command.seqs, command.timeoutMs) });
    case "stats":
      return send({ v: 1, type: "stats", id, stats: measurement.stats(clients) });
    case "close":
      for (const client of clients) client.close();
      send({ v: 1, type: "done", id });
      setTimeout(() => process.exit(0), 50);
  }
}

process.on("message", (raw) => {
  const parsed = ClientCommand.safeParse(raw);
  if (!parsed.success) {
    process.stderr.write(`load-client: dropped a malformed command: ${parsed.error.issues[0]?.message}\n`);
    return;
  }
  handle(parsed.data).catch((error: unknown) =>
    send({ v: 1, type: "failed", id: parsed.data.id, message: error instanceof Error ? error.message : String(error) }),
  );
});
// The bench went away (crashed or killed): never outlive it.
process.on("disconnect", () => process.exit(0));
send({ v: 1, type: "ready" });

import { z } from "zod";

/**
 * Messages between bench/relay-load.ts and its client processes (bench/support/load-client.ts)
 * and baseline server (bench/support/ws-fanout-server.ts), over Node's IPC channel: versioned,
 * discriminated on `type`, validated on receipt. Every request carries an `id` its answer repeats.
 */

const v1 = { v: z.literal(1) };
const request = { ...v1, id: z.number().int() };

export const Transport = z.enum(["socket.io", "ws"]);
export type Transport = z.infer<typeof Transport>;

export const ClientCommand = z.discriminatedUnion("type", [
  /** Open `count` connections to `url`, each subscribing to `sports`; answered once all are in (or failed). */
  z.object({
    ...request,
    type: z.literal("connect"),
    url: z.string(),
    transport: Transport,
    count: z.number().int().min(0),
    sports: z.array(z.string()).min(1),
    reconnect: z.boolean(),
    /** Reconnect with socket.io-client's own delays (1 s doubling to 5 s), not the page's (0.5 s to 2 s). */
    libraryDelays: z.boolean(),
    concurrency: z.number().int().min(1),
  }),
  /** Start a new measurement: zero the latency histogram, delivery counts and recovery records. */
  z.object({ ...request, type: z.literal("reset") }),
  /** Answer once every connection holds at least `seqs` (or `timeoutMs` passed), with how many do not. */
  z.object({ ...request, type: z.literal("await-seqs"), seqs: z.record(z.string(), z.number().int()), timeoutMs: z.number().int().positive() }),
  /** Answer with the measurement since the last reset. */
  z.object({ ...request, type: z.literal("stats") }),
  /** Close every connection, answer, and exit. */
  z.object({ ...request, type: z.literal("close") }),
]);
export type ClientCommand = z.infer<typeof ClientCommand>;

const Sparse = z.object({ buckets: z.array(z.tuple([z.number(), z.number()])), max: z.number() });

/** One connection's way back after it lost its server, wall-clock ms (null: not reached). */
export const Recovery = z.object({
  disconnectedAt: z.number(),
  reconnectedAt: z.number().nullable(),
  /** The resubscription with `resume` was acknowledged: replayed deltas applied, room joined. */
  resumedAt: z.number().nullable(),
  /** The first live delta after that, continuing the chain. */
  firstLiveAt: z.number().nullable(),
});
export type Recovery = z.infer<typeof Recovery>;

export const ClientStats = z.object({
  connected: z.number().int(),
  /** Live deltas received (not replays) since the reset, and the first and last receipt times (ms, 0 when none). */
  deliveries: z.number().int(),
  firstAt: z.number(),
  lastAt: z.number(),
  /** Deltas replayed to resuming connections before their subscription's ack (a merged replay counts every seq it spans). */
  replayed: z.number().int(),
  latency: Sparse,
  gaps: z.number().int(),
  duplicates: z.number().int(),
  resyncs: z.number().int(),
  /** Seqs that arrived inside merged deltas (a server conflating for slow clients), not one by one. */
  merged: z.number().int(),
  disconnects: z.number().int(),
  /** Lost connections by the reason the client gave ("ping timeout", "transport close", …). */
  reasons: z.record(z.string(), z.number().int()),
  modes: z.object({ snapshot: z.number().int(), replay: z.number().int(), current: z.number().int() }),
  recoveries: z.array(Recovery),
  /** Resubscriptions refused or unanswered, with the first reason. */
  failedResumes: z.number().int(),
  firstError: z.string().nullable(),
});
export type ClientStats = z.infer<typeof ClientStats>;

export const ClientReport = z.discriminatedUnion("type", [
  z.object({ ...v1, type: z.literal("ready") }),
  z.object({ ...request, type: z.literal("connected"), connected: z.number().int(), failed: z.number().int(), firstError: z.string().nullable() }),
  z.object({ ...request, type: z.literal("done") }),
  z.object({ ...request, type: z.literal("caught-up"), behind: z.number().int() }),
  z.object({ ...request, type: z.literal("stats"), stats: ClientStats }),
  z.object({ ...request, type: z.literal("failed"), message: z.string() }),
]);
export type ClientReport = z.infer<typeof ClientReport>;

/** The baseline server's one message: it listens. */
export const ServerReport = z.discriminatedUnion("type", [z.object({ ...v1, type: z.literal("listening"), port: z.number().int() })]);
export type ServerReport = z.infer<typeof ServerReport>;

/** The baseline server's configuration, passed as its one command-line argument (JSON). */
export const FanoutConfig = z.object({ redisUrl: z.string(), host: z.string(), port: z.number().int().min(0) });
export type FanoutConfig = z.infer<typeof FanoutConfig>;

import os from "node:os";
import { z } from "zod";
import { flag, parseEnvironment } from "../lib/env-parse";
import { LIMITS } from "../lib/protocol";

/** The relay's environment (it needs neither Postgres nor Next.js). README "Configuration". */
const schema = z.object({
  REDIS_URL: z.string().refine((v) => /^rediss?:\/\//.test(v), "must be a URL starting with redis:// or rediss://"),
  RELAY_PORT: z.coerce.number().int().min(0).max(65_535).default(3001),
  RELAY_HOST: z.string().default("0.0.0.0"),
  /** HS256 secret shared with the web app. Unset: every client is anonymous (public rooms only). */
  RELAY_JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  /** Comma-separated browser origins allowed to connect; "*" allows any. */
  RELAY_ALLOWED_ORIGINS: z
    .string()
    .default("http://localhost:3000,http://127.0.0.1:3000")
    .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean)),
  RELAY_INSTANCE_ID: z.string().min(1).default(`${os.hostname()}:${process.pid}`),
  /** PM2's number for this instance of the app (0, 1, …); set by PM2, never by hand. */
  NODE_APP_INSTANCE: z.string().regex(/^\d+$/, "must be a whole number").optional(),
  /** Rooms one connection may hold (sports + events). */
  RELAY_MAX_SUBSCRIPTIONS: z.coerce.number().int().min(1).max(10_000).default(LIMITS.defaultMaxSubscriptions),
  /** Client messages per second per connection (sustained), and the burst allowed above it. */
  RELAY_RATE_PER_SEC: z.coerce.number().min(0.1).max(10_000).default(10),
  RELAY_RATE_BURST: z.coerce.number().int().min(1).max(10_000).default(30),
  /** Recent deltas kept in memory per sport to answer `resume`; older ones come from Redis history. */
  RELAY_REPLAY_DELTAS: z.coerce.number().int().min(0).max(1_000_000).default(1_000),
  RELAY_REPLAY_MAX_AGE_MS: z.coerce.number().int().min(0).default(600_000),
  /** Live connections this process holds; more are refused with `too_many_connections`. */
  RELAY_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  /** Live connections from one client address (a NAT or office shares one: keep it generous). */
  RELAY_MAX_CONNECTIONS_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(50),
  /** Count clients by the last X-Forwarded-For entry: only behind a proxy that sets it. */
  RELAY_TRUST_PROXY: flag(false),
  /**
   * WebSocket permessage-deflate. Off by default: per socket it costs ~10× the CPU per delivered
   * delta and ~200 kB of memory (docs/relay.md "Compression", measured by bench/compression.ts).
   */
  RELAY_COMPRESSION: flag(false),
  /** Messages under this many bytes go uncompressed (acks, feed status, small deltas). */
  RELAY_COMPRESSION_THRESHOLD_BYTES: z.coerce.number().int().min(0).max(16 * 1024 * 1024).default(1024),
  RELAY_COMPRESSION_WINDOW_BITS: z.coerce.number().int().min(9).max(15).default(12),
  RELAY_COMPRESSION_MEM_LEVEL: z.coerce.number().int().min(1).max(9).default(4),
  RELAY_COMPRESSION_LEVEL: z.coerce.number().int().min(1).max(9).default(6),
  RELAY_COMPRESSION_CONTEXT_TAKEOVER: flag(true),
  // Slow consumers (vps/slow-consumers.ts, docs/relay.md): bytes held for one connection.
  /** Over this, odds deltas to the connection stop and are conflated until it drains to a quarter of it. */
  RELAY_SLOW_SOFT_BYTES: z.coerce.number().int().min(1_024).max(1_073_741_824).default(256 * 1024),
  /** Over this, the connection is cut with `slow_consumer`. */
  RELAY_SLOW_HARD_BYTES: z.coerce.number().int().min(2_048).max(1_073_741_824).default(4 * 1024 * 1024),
  /** Held back (slow) for longer than this, ms, the connection is cut with `slow_consumer`. */
  RELAY_SLOW_MAX_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  /** A cut connection still open after this long, ms, has its transport destroyed. */
  RELAY_SLOW_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(5_000),
  /** How often each connection is pushed its `stats`, ms. */
  RELAY_STATS_INTERVAL_MS: z.coerce.number().int().min(500).max(3_600_000).default(5_000),
}).refine((env) => env.RELAY_SLOW_HARD_BYTES > env.RELAY_SLOW_SOFT_BYTES, {
  message: "must be larger than RELAY_SLOW_SOFT_BYTES",
  path: ["RELAY_SLOW_HARD_BYTES"],
}).transform(({ NODE_APP_INSTANCE, ...env }) => ({
  ...env,
  // Under PM2 every instance gets the same environment: its number keeps a given id apart from
  // its siblings' in /health and in `ping`.
  RELAY_INSTANCE_ID: NODE_APP_INSTANCE === undefined ? env.RELAY_INSTANCE_ID : `${env.RELAY_INSTANCE_ID}#${NODE_APP_INSTANCE}`,
}));

export type RelayEnv = z.infer<typeof schema>;

export function parseRelayEnv(source: Record<string, string | undefined>): RelayEnv {
  return parseEnvironment(schema, source);
}

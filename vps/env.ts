import { z } from "zod";
import { decimal, flag, host, int, list, parseEnvironment, port } from "../lib/env-parse";
import { DEFAULT_RELAY_PORT, instanceId, instanceName, sharedVariables } from "../lib/env-shared";
import { LIMITS } from "../lib/protocol";

/**
 * The relay's environment (it needs neither Postgres nor Next.js): the variables every process
 * reads (lib/env-shared.ts; RELAY_JWT_SECRET unset: every client is anonymous, public rooms only)
 * and the relay's own. README "Configuration"; scripts/configuration.test.ts checks that it and
 * the PM2 ecosystem file list exactly these.
 */
export const relayVariables = z.object({
  ...sharedVariables,
  /**
   * 0: any free port, for a relay started on its own (tests). Only the relay takes 0: the web app
   * and `npm start` read RELAY_PORT to reach the relay, so for them it must be a real port.
   */
  RELAY_PORT: port(DEFAULT_RELAY_PORT, "any free port"),
  RELAY_HOST: host("0.0.0.0"),
  /** Comma-separated browser origins allowed to connect; "*" allows any. */
  RELAY_ALLOWED_ORIGINS: list("http://localhost:3000,http://127.0.0.1:3000"),
  /** This instance's name; under PM2 its instance number is appended (`#0`, `#1`, …). */
  RELAY_INSTANCE_ID: instanceId(),
  /** Rooms one connection may hold (sports + events). */
  RELAY_MAX_SUBSCRIPTIONS: int(LIMITS.defaultMaxSubscriptions, 1, 10_000),
  /** Client messages per second per connection (sustained), and the burst allowed above it. */
  RELAY_RATE_PER_SEC: decimal(10, 0.1, 10_000),
  RELAY_RATE_BURST: int(30, 1, 10_000),
  /** Recent deltas kept in memory per sport to answer `resume`; older ones come from Redis history. */
  RELAY_REPLAY_DELTAS: int(1_000, 0, 1_000_000),
  RELAY_REPLAY_MAX_AGE_MS: int(600_000, 0, 86_400_000),
  /** Live connections this process holds; more are refused with `too_many_connections`. */
  RELAY_MAX_CONNECTIONS: int(10_000, 1, 1_000_000),
  /** Live connections from one client address (a NAT or office shares one: keep it generous). */
  RELAY_MAX_CONNECTIONS_PER_IP: int(50, 1, 1_000_000),
  /** Count clients by the last X-Forwarded-For entry: only behind a proxy that sets it. */
  RELAY_TRUST_PROXY: flag(false),
  /**
   * WebSocket permessage-deflate. Off by default: per socket it costs ~10× the CPU per delivered
   * delta and ~200 kB of memory (docs/relay.md "Compression", measured by bench/compression.ts).
   */
  RELAY_COMPRESSION: flag(false),
  /** Messages under this many bytes go uncompressed (acks, feed status, small deltas). */
  RELAY_COMPRESSION_THRESHOLD_BYTES: int(1024, 0, 16 * 1024 * 1024),
  RELAY_COMPRESSION_WINDOW_BITS: int(12, 9, 15),
  RELAY_COMPRESSION_MEM_LEVEL: int(4, 1, 9),
  RELAY_COMPRESSION_LEVEL: int(6, 1, 9),
  RELAY_COMPRESSION_CONTEXT_TAKEOVER: flag(true),
  // Slow consumers (vps/slow-consumers.ts, docs/relay.md): bytes held for one connection.
  /** Over this, odds deltas to the connection stop and are conflated until it drains to a quarter of it. */
  RELAY_SLOW_SOFT_BYTES: int(256 * 1024, 1_024, 1_073_741_824),
  /** Over this, the connection is cut with `slow_consumer`. */
  RELAY_SLOW_HARD_BYTES: int(4 * 1024 * 1024, 2_048, 1_073_741_824),
  /** Held back (slow) for longer than this, ms, the connection is cut with `slow_consumer`. */
  RELAY_SLOW_MAX_MS: int(30_000, 100, 3_600_000),
  /** A cut connection still open after this long, ms, has its transport destroyed. */
  RELAY_SLOW_GRACE_MS: int(5_000, 0, 600_000),
  /** How often each connection is pushed its `stats`, ms. */
  RELAY_STATS_INTERVAL_MS: int(5_000, 500, 3_600_000),
});

const schema = relayVariables
  .refine((env) => env.RELAY_SLOW_HARD_BYTES > env.RELAY_SLOW_SOFT_BYTES, {
    message: "must be larger than RELAY_SLOW_SOFT_BYTES",
    path: ["RELAY_SLOW_HARD_BYTES"],
  })
  .transform(({ NODE_APP_INSTANCE, ...env }) => ({
    ...env,
    // Under PM2 every instance gets the same environment: its number keeps a given id apart from
    // its siblings' in /health and in `ping`.
    RELAY_INSTANCE_ID: instanceName(env.RELAY_INSTANCE_ID, NODE_APP_INSTANCE),
  }));

export type RelayEnv = z.infer<typeof schema>;

/** This process's environment, parsed as the relay's; throws a StartupError listing every bad variable. */
export function relayEnv(): RelayEnv {
  return parseRelayEnv(process.env);
}

/** Parses an environment as the relay's, or throws a StartupError listing every bad variable. */
export function parseRelayEnv(source: Record<string, string | undefined>): RelayEnv {
  return parseEnvironment(schema, source);
}

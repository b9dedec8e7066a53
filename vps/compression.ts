import type { ServerOptions } from "socket.io";

/**
 * WebSocket compression (permessage-deflate, RFC 7692) on the relay's wire. docs/relay.md
 * "Compression" has the measurements behind the defaults; in short: deltas shrink about tenfold,
 * and the price is a zlib context per connection (memory) and one deflate per socket per message
 * (CPU), because `ws` compresses for each socket what Socket.IO encoded once for the room.
 */
export interface CompressionConfig {
  enabled: boolean;
  /** Messages smaller than this (bytes of the engine.io packet) are sent as they are. */
  thresholdBytes: number;
  /** LZ77 window of the relay's deflate, 2^bits bytes (9–15): memory per connection against ratio. */
  windowBits: number;
  /** zlib memLevel (1–9): the deflate's hash table and buffers, memory against ratio and speed. */
  memLevel: number;
  /** zlib level (1–9): CPU against ratio. */
  level: number;
  /**
   * Keep the deflate window from one message to the next (better ratio on small messages), or
   * compress each message alone. The context's memory is held either way: `ws` resets it after
   * a message, it does not free it.
   */
  contextTakeover: boolean;
}

type PerMessageDeflate = Exclude<ServerOptions["perMessageDeflate"], boolean | undefined>;

/**
 * Size of zlib's output buffer for each connection's deflate and inflate stream. Node allocates
 * one of this size per stream (16 KiB by default), per connection; a compressed delta or a
 * client's message fits in a few KiB, and a larger one just takes a few more rounds.
 */
const ZLIB_CHUNK_BYTES = 4 * 1024;

/** The Socket.IO (engine.io → ws) `perMessageDeflate` option, or false when compression is off. */
export function perMessageDeflate(config: CompressionConfig): false | PerMessageDeflate {
  if (!config.enabled) return false;
  return {
    threshold: config.thresholdBytes,
    // Always accepted by clients (RFC 7692 §7.1.2.1), so the window is ours to choose.
    serverMaxWindowBits: config.windowBits,
    serverNoContextTakeover: !config.contextTakeover,
    // Not clientMaxWindowBits: ws then refuses every offer without `client_max_window_bits`,
    // which is what Firefox sends, with a 400. The inflate of client messages keeps the window the
    // client chose (Chromium compresses even a 2-byte message, so a browser's connection holds one).
    zlibDeflateOptions: { level: config.level, memLevel: config.memLevel, chunkSize: ZLIB_CHUNK_BYTES },
    zlibInflateOptions: { chunkSize: ZLIB_CHUNK_BYTES },
  };
}

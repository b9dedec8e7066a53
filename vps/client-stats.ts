import type { RelaySocket } from "./connection";
import type { SlowConsumers } from "./slow-consumers";

/**
 * Pushes every local connection its delivery counters (`stats`) every `intervalMs`: one timer for
 * the whole relay, not one per socket. Each round also adds the messages sent since the last one to
 * relay_messages_sent_total, so that counter costs nothing per message.
 */
export function pushStats(sockets: () => Iterable<RelaySocket>, slow: SlowConsumers, intervalMs: number): () => void {
  const timer = setInterval(() => {
    const now = Date.now();
    for (const socket of sockets()) {
      if (!socket.connected) continue;
      socket.emit("stats", slow.stats(socket, now));
      slow.report(socket.data.outbound);
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

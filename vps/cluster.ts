import type { Server } from "socket.io";
import { z } from "zod";

/**
 * What relay instances ask each other through the Socket.IO Redis adapter (`serverSideEmit`).
 * Each instance relays the Redis channels to its own sockets by itself, so the adapter carries no
 * odds; it carries what only the cluster as a whole can answer. Behind PM2 cluster mode every
 * instance shares one port, and a GET /health lands on any one of them: it still lists them all.
 */

export const PeerSummary = z.object({
  instanceId: z.string().min(1).max(200),
  status: z.enum(["ok", "degraded"]),
  connections: z.number().int().min(0),
  uptimeSec: z.number().min(0),
});
export type PeerSummary = z.infer<typeof PeerSummary>;

/** Events between relay instances (the 3rd type parameter of Socket.IO's `Server`). */
export interface InterServerEvents {
  "relay:summary": (ack: (summary: unknown) => void) => void;
}

export interface ClusterView {
  /** Every instance that answered, this one first. */
  instances: PeerSummary[];
  /** Connections across those instances. */
  connections: number;
  /** False when some instance did not answer in time (or the adapter's Redis is unreachable). */
  complete: boolean;
}

// Only the inter-server side matters here; the client events and socket data are the relay's.
// biome-ignore lint: any instance of the relay's Server, whatever its client event maps
type ClusterServer = Server<any, any, InterServerEvents, any>;

/** Answers other instances' questions with this instance's summary. */
export function answerPeers(io: ClusterServer, summary: () => PeerSummary): void {
  io.on("relay:summary", (ack) => {
    if (typeof ack === "function") ack(summary());
  });
}

/** What the other instances answered: their summaries, and whether every one did in time. */
interface PeerAnswers {
  peers: PeerSummary[];
  complete: boolean;
}

/**
 * Asks every other instance for its summary and waits at most `timeoutMs` (the adapter's request
 * timeout, plus a margin for a Redis that cannot even count the subscribers). Answers that do not
 * parse are left out and make the answers incomplete.
 */
function askPeers(io: ClusterServer, timeoutMs: number): Promise<PeerAnswers> {
  return new Promise((resolve) => {
    const done = (answers: unknown[], complete: boolean) => {
      clearTimeout(timer);
      const peers = answers.map((answer) => PeerSummary.safeParse(answer)).flatMap((parsed) => (parsed.success ? [parsed.data] : []));
      resolve({ peers: peers.sort((a, b) => a.instanceId.localeCompare(b.instanceId)), complete: complete && peers.length === answers.length });
    };
    const timer = setTimeout(() => done([], false), timeoutMs + 250);
    io.serverSideEmit("relay:summary", (error: Error | null, answers: unknown[]) => done(answers ?? [], error === null));
  });
}

/**
 * The cluster view for /health, asked for at most once per `maxAgeMs` however often /health is
 * hit (one question in flight at a time), so polling it never floods the other instances. This
 * instance's own line is always current. Without the adapter's Redis nobody can be asked: that
 * is said at once instead of after a timeout.
 */
export function clusterViewer(io: ClusterServer, adapterReady: () => boolean, timeoutMs: number, maxAgeMs = 1_000): (self: PeerSummary) => Promise<ClusterView> {
  let last: (PeerAnswers & { at: number }) | null = null;
  let asking: Promise<void> | null = null;
  const view = (self: PeerSummary, { peers, complete }: PeerAnswers): ClusterView => {
    const instances = [self, ...peers];
    return { instances, connections: instances.reduce((sum, i) => sum + i.connections, 0), complete };
  };
  return async (self) => {
    if (!adapterReady()) return view(self, { peers: [], complete: false });
    if (!last || Date.now() - last.at >= maxAgeMs) {
      asking ??= askPeers(io, timeoutMs)
        .then((answers) => {
          last = { ...answers, at: Date.now() };
        })
        .finally(() => {
          asking = null;
        });
      await asking;
    }
    return view(self, last ?? { peers: [], complete: false });
  };
}

import { type ManagerOptions, type Socket, type SocketOptions, io } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "../../lib/protocol";

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Clients connected this many at a time, so a relay's accept queue and the bench's CPU keep up. */
const BATCH = 50;

/**
 * `count` socket.io clients to `url`, each its own WebSocket (WebSocket only, no reconnection),
 * `BATCH` at a time; `ready` runs on each once connected (to subscribe, say) before the next batch.
 * `options` adds socket.io-client options, e.g. a `perMessageDeflate` to behave as a browser.
 */
export async function connectMany(
  url: string,
  count: number,
  ready: (client: Client, i: number) => Promise<void>,
  options: Partial<ManagerOptions & SocketOptions> = {},
): Promise<Client[]> {
  const clients: Client[] = [];
  for (let i = 0; i < count; i += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, count - i) }, (_, j) => i + j);
    clients.push(
      ...(await Promise.all(
        batch.map(async (n) => {
          const client: Client = io(url, { ...options, transports: ["websocket"], forceNew: true, reconnection: false });
          await new Promise<void>((resolve, reject) => {
            client.once("connect", resolve);
            client.once("connect_error", reject);
          });
          await ready(client, n);
          return client;
        }),
      )),
    );
  }
  return clients;
}

/** A `subscribe` that throws with the relay's reason when refused. */
export async function subscribe(client: Client, request: object): Promise<void> {
  const ack = await client.timeout(30_000).emitWithAck("subscribe", request);
  if (!ack.ok) throw new Error(`subscribe refused: ${ack.error.message}`);
}

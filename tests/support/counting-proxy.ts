import net from "node:net";

/**
 * A TCP proxy that counts the bytes it forwards, so a test or bench can see what really crossed
 * the wire: after WebSocket compression and with every frame header, handshake and ping, which a
 * client's own message events cannot show (they see the payload after decompression).
 */
export interface CountingProxy {
  port: number;
  /** `http://127.0.0.1:<port>`: connect a client here instead of to the target. */
  url: string;
  /** Bytes forwarded target → client (downstream) and client → target (upstream), all connections so far. */
  bytes(): { down: number; up: number };
  close(): Promise<void>;
}

export async function startCountingProxy(targetPort: number, targetHost = "127.0.0.1"): Promise<CountingProxy> {
  const counted = { down: 0, up: 0 };
  const proxy = await startTcpProxy(targetPort, targetHost, (client, target) => {
    client.on("data", (chunk: Buffer) => {
      counted.up += chunk.length;
    });
    target.on("data", (chunk: Buffer) => {
      counted.down += chunk.length;
    });
  });
  return { port: proxy.port, url: `http://127.0.0.1:${proxy.port}`, bytes: () => ({ ...counted }), close: proxy.close };
}

/** A plain TCP proxy on a free port of 127.0.0.1, for proxies that watch what crosses it. */
export interface TcpProxy {
  port: number;
  /** While on, new connections are closed at once. */
  refuse(on: boolean): void;
  /** Closes every open connection. */
  drop(): void;
  close(): Promise<void>;
}

/** Forwards each connection to the target; `watch` sees both sockets of each before any data flows. */
export async function startTcpProxy(targetPort: number, targetHost: string, watch: (client: net.Socket, target: net.Socket) => void): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  let refusing = false;
  const server = net.createServer((client) => {
    if (refusing) return void client.destroy();
    const target = net.connect(targetPort, targetHost);
    for (const socket of [client, target]) {
      open.add(socket);
      socket.once("close", () => open.delete(socket));
      // Either side going away ends the other; errors are just closed connections here.
      socket.on("error", () => undefined);
    }
    watch(client, target);
    client.pipe(target);
    target.pipe(client);
    client.once("close", () => target.destroy());
    target.once("close", () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("proxy has no port");
  const drop = () => {
    for (const socket of open) socket.destroy();
  };
  return {
    port: address.port,
    refuse: (on) => {
      refusing = on;
    },
    drop,
    close: async () => {
      drop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

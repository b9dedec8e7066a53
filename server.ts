import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import next from "next";
import { BoardPageCache } from "./lib/board-page-cache";
import { settleForwarded } from "./lib/client-address";
import { env } from "./lib/env";
import { createLogger } from "./lib/log";
import { onShutdown, runMain } from "./lib/process";
import { createRedis } from "./lib/redis";

/**
 * The `web` app: Next.js's own request handler behind a plain HTTP server, so that every request
 * reaches the routes with `X-Forwarded-For` set to its client's address (lib/client-address.ts),
 * never to one the client chose. `next start` cannot do this: it keeps a client's header as
 * sent. With WEB_TRUST_PROXY the last entry (the proxy's) is kept instead of the socket.
 */
runMain(async () => {
  const config = env();
  const log = createLogger("web");
  const app = next({ dev: false, dir: import.meta.dirname, hostname: config.HOST, port: config.PORT });
  await app.prepare();
  const handle = app.getRequestHandler();
  // The signed-out board page, served again while the board is unchanged (lib/board-page-cache.ts).
  const redis = createRedis(config.REDIS_URL, { name: "web-page-cache", maxRetriesPerRequest: 1, commandTimeoutMs: 500 });
  const pages = new BoardPageCache(redis);
  let warned = false;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const dropped = settleForwarded(req.headers, req.socket.remoteAddress, config.WEB_TRUST_PROXY);
    if (dropped && !warned) {
      // Behind a TLS proxy with the flag unset, cookies lose Secure and cross-site checks compare the wrong host.
      warned = true;
      log.warn(
        "requests carry X-Forwarded-* headers, but WEB_TRUST_PROXY is off: they are ignored (client address, https and host come from the connection). Behind a proxy you trust, set WEB_TRUST_PROXY=true (logged once)",
      );
    }
    void pages.handle(req, res, () => void handle(req, res));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.PORT, config.HOST, resolve);
  });
  log.info({ port: config.PORT, host: config.HOST, trustProxy: config.WEB_TRUST_PROXY }, "web listening");
  onShutdown(log, async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await app.close();
    redis.disconnect();
  });
});

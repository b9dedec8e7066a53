import type { IncomingMessage, ServerResponse } from "node:http";
import type { Relay } from "./relay";

/**
 * Plain HTTP beside Socket.IO: GET /health (JSON; 503 while Redis is unreachable, so a load
 * balancer takes the instance out), GET /metrics (this instance, Prometheus text) and
 * GET /metrics/cluster (every instance, each series labelled `relay="<instanceId>"`).
 */
export function createHttpHandler(relay: () => Relay | null) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const current = relay();
    const url = new URL(req.url ?? "/", "http://relay");
    if (req.method === "GET" && url.pathname === "/health") {
      if (!current) {
        send(res, 503, "application/json", JSON.stringify({ status: "starting" }));
        return;
      }
      current.health().then(
        (health) => send(res, health.status === "ok" ? 200 : 503, "application/json", JSON.stringify(health)),
        () => send(res, 500, "application/json", JSON.stringify({ status: "error" })),
      );
      return;
    }
    if (req.method === "GET" && url.pathname === "/metrics/cluster" && current) {
      current.clusterMetrics().then(
        (text) => send(res, 200, current.metrics.registry.contentType, text),
        () => send(res, 500, "text/plain", "metrics unavailable"),
      );
      return;
    }
    if (req.method === "GET" && url.pathname === "/metrics" && current) {
      current.metrics.registry.metrics().then(
        (text) => send(res, 200, current.metrics.registry.contentType, text),
        () => send(res, 500, "text/plain", "metrics unavailable"),
      );
      return;
    }
    if (url.pathname.startsWith("/socket.io")) return; // Socket.IO answers these
    send(res, 404, "application/json", JSON.stringify({ error: { code: "not_found", message: `${req.method} ${url.pathname} is not served here` } }));
  };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
  res.end(body);
}

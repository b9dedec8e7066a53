/**
 * The baseline of bench/relay-load.ts: the least a server can do to fan the odds out. A bare `ws`
 * WebSocketServer subscribes to the same Redis channel as the relay and sends every `odds:delta`
 * to the connections subscribed to its sport, as one JSON text frame serialised once per delta
 * (as Socket.IO encodes a room broadcast once; Socket.IO also builds the WebSocket frame once,
 * where plain `ws` writes a header per connection). No validation, no state, no resume, no
 * heartbeats, no rooms beyond a Set per sport: what the relay adds over this is what it costs.
 *
 * Forked by the bench with an IPC channel; its one argument is its configuration as JSON
 * (FanoutConfig). It says `listening` over IPC, and exits on SIGTERM or when the bench goes away.
 */
import { Redis } from "ioredis";
import { WebSocket, WebSocketServer } from "ws";
import { CHANNELS, type OddsDeltaMessage, packDelta } from "../../lib/protocol";
import { FanoutConfig, type ServerReport } from "./load-messages";

const config = FanoutConfig.parse(JSON.parse(process.argv[2] ?? "{}"));
const subscribers = new Map<string, Set<WebSocket>>();

const server = new WebSocketServer({ host: config.host, port: config.port });
server.on("connection", (ws) => {
  const joined: string[] = [];
  ws.on("message", (data) => {
    const sports = subscribeRequest(data.toString());
    if (!sports) return ws.send(JSON.stringify({ type: "error", message: 'expected {"type":"subscribe","sports":[...]}' }));
    for (const sport of sports) {
      let set = subscribers.get(sport);
      if (!set) subscribers.set(sport, (set = new Set()));
      set.add(ws);
      joined.push(sport);
    }
    ws.send(JSON.stringify({ type: "subscribed" }));
  });
  ws.on("close", () => {
    for (const sport of joined) subscribers.get(sport)?.delete(ws);
  });
  ws.on("error", () => ws.terminate());
});

function subscribeRequest(text: string): string[] | null {
  try {
    const request = JSON.parse(text) as { type?: unknown; sports?: unknown };
    if (request.type !== "subscribe" || !Array.isArray(request.sports)) return null;
    return request.sports.filter((sport): sport is string => typeof sport === "string");
  } catch {
    return null;
  }
}

const bus = new Redis(config.redisUrl);
bus.on("message", (_channel: string, raw: string) => {
  let message: OddsDeltaMessage | { type?: undefined; sport?: undefined };
  try {
    message = JSON.parse(raw);
  } catch {
    return;
  }
  if (message.type !== "odds:delta" || typeof message.sport !== "string") return;
  const targets = subscribers.get(message.sport);
  if (!targets?.size) return;
  // The client form, packed by event, as the relay sends it (without the bus envelope).
  const delta = packDelta(message);
  // Serialised and turned into bytes once; ws then only adds a frame header per connection.
  const frame = Buffer.from(JSON.stringify(delta));
  for (const ws of targets) if (ws.readyState === WebSocket.OPEN) ws.send(frame, { binary: false });
});

await bus.subscribe(CHANNELS.sportsOdds);
await new Promise<void>((resolve) => (server.address() ? resolve() : server.once("listening", resolve)));
const address = server.address();
const report: ServerReport = { v: 1, type: "listening", port: typeof address === "object" && address ? address.port : config.port };
process.send?.(report);

const stop = () => {
  for (const ws of server.clients) ws.terminate();
  server.close();
  bus.disconnect();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.on("disconnect", stop);

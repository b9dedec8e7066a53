/**
 * Chat throughput and delivery latency through the real stack, to a big room.
 *
 *   npx tsx bench/chat.ts [--sockets 1000] [--messages 300] [--users 10] [--concurrency 10]
 *
 * A throwaway stack (Postgres, Redis, relay, publisher, `next start`) with the chat rate limit
 * raised through env (CHAT_RATE_MAX) so the bench's users are never refused. `sockets` socket.io
 * clients join one event's chat room (`subscribe` with `events: [id]`). Then `messages` messages
 * are sent, `concurrency` at a time, round-robin over `users` signed-in accounts:
 *   - POST /api/events/{id}/chat: session read, rate limit (Redis), INSERT (Postgres), PUBLISH;
 *   - baselines, same run: the same messages PUBLISHed straight to `chat-messages` (no web app),
 *     once as fast as they go (the relay's and the sockets' ceiling) and once paced at the rate the
 *     POST row sent them (the same load on the relay, so the latency gap is what the web app adds).
 * Latency is per (message, socket): send start → that socket's receipt. "Room" is the time until
 * the last of the room's sockets has it. Messages/s: messages over the time until every socket had
 * every message. Everything runs on this one machine, the bench's own clients included.
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { Redis } from "ioredis";
import { type Socket, io } from "socket.io-client";
import { CHANNELS, type ChatMessage, type ChatMessageMessage, type ClientToServerEvents, type OddsSnapshot, type ServerToClientEvents } from "../lib/protocol";
import { WebUser } from "../tests/support/web-user";
import { startFullStackWith } from "./stack";
import { arg, percentile, runBench, table } from "./stats";

const SOCKETS = arg("sockets", 1_000);
const MESSAGES = arg("messages", 300);
const USERS = arg("users", 10);
const CONCURRENCY = arg("concurrency", 10);

type Room = Socket<ServerToClientEvents, ClientToServerEvents>[];
/** Per run: when each message was sent, and when each socket received it, by message number. */
interface Run {
  sentAt: number[];
  sendMs: number[];
  heard: number[][];
  ok: number;
}

runBench(async () => {
  const stack = await startFullStackWith({ CHAT_RATE_MAX: "100000", CHAT_RATE_WINDOW_MS: "1000" });
  const room: Room = [];
  const bus = new Redis(stack.redis.url);
  try {
    const eventId = await eventOnBoard(stack.web.url);
    const users = await Promise.all(Array.from({ length: USERS }, () => signedUp(stack.web.url)));
    for (let i = 0; i < SOCKETS; i += 50)
      room.push(...(await Promise.all(Array.from({ length: Math.min(50, SOCKETS - i) }, () => join(stack.relay.url, eventId)))));
    const viaWeb = await run(room, "web", async (i, text) => {
      const answer = await users[i % USERS]!.post(`/api/events/${eventId}/chat`, { text });
      await answer.arrayBuffer();
      return answer.status === 201;
    });
    const publish = async (_i: number, text: string) => {
      const message: ChatMessageMessage = { v: 1, type: "chat:message", id: randomUUID(), eventId, user: { id: "bench", name: "bench" }, text, ts: Date.now() };
      await bus.publish(CHANNELS.chatMessages, JSON.stringify(message));
      return true;
    };
    const direct = await run(room, "redis", publish);
    const paced = await run(room, "paced", publish, viaWeb.sendWallMs / MESSAGES);
    console.log(`\nChat: ${SOCKETS} sockets in one room, ${MESSAGES} messages per row, ${CONCURRENCY} in flight, ${USERS} users\n`);
    console.log(
      table(
        [
          "what",
          "messages",
          "sent ok",
          "msgs/s (every socket)",
          "send p50 ms",
          "send p99 ms",
          "delivery p50 ms",
          "delivery p99 ms",
          "room p50 ms",
          "room p99 ms",
          "missing",
        ],
        [
          row("POST /api/events/{id}/chat", viaWeb),
          row("PUBLISH to Redis, paced as POST (baseline)", paced),
          row("PUBLISH to Redis, flat out (baseline)", direct),
        ],
      ),
    );
  } finally {
    for (const socket of room) socket.close();
    bus.disconnect();
    await stack.stop();
  }
});

async function eventOnBoard(webUrl: string): Promise<string> {
  const snapshot = (await (await fetch(`${webUrl}/api/sports/snapshot?sport=basketball_nba`)).json()) as OddsSnapshot;
  const event = snapshot.events.find((e) => e.status === "active");
  if (!event) throw new Error("no event on the board");
  return event.id;
}

async function signedUp(webUrl: string): Promise<WebUser> {
  const user = new WebUser(webUrl);
  if ((await user.signUp()).status !== 201) throw new Error("sign-up failed");
  return user;
}

async function join(relayUrl: string, eventId: string): Promise<Room[number]> {
  const socket: Room[number] = io(relayUrl, { transports: ["websocket"], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  const ack = await socket.timeout(30_000).emitWithAck("subscribe", { sports: ["basketball_nba"], events: [eventId] });
  if (!ack.ok) throw new Error(`subscribe refused: ${ack.error.message}`);
  return socket;
}

/**
 * Sends MESSAGES messages tagged `<tag> <n>`, message n no earlier than n × `paceMs` after the
 * start; waits until every socket has each (or 30 s of silence).
 */
async function run(
  room: Room,
  tag: string,
  send: (i: number, text: string) => Promise<boolean>,
  paceMs = 0,
): Promise<Run & { wallMs: number; sendWallMs: number }> {
  const result: Run = { sentAt: [], sendMs: [], heard: room.map(() => []), ok: 0 };
  let delivered = 0;
  let lastDelivery = performance.now();
  const prefix = `${tag} `;
  const listeners = room.map((socket, s) => {
    const listener = (message: ChatMessage) => {
      if (!message.text.startsWith(prefix)) return;
      result.heard[s]![Number(message.text.slice(prefix.length))] = performance.now();
      delivered += 1;
      lastDelivery = performance.now();
    };
    socket.on("chat:message", listener);
    return listener;
  });
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < MESSAGES; i = next++) {
        const due = started + i * paceMs;
        if (performance.now() < due) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
        result.sentAt[i] = performance.now();
        if (await send(i, `${prefix}${i}`)) result.ok += 1;
        result.sendMs[i] = performance.now() - result.sentAt[i]!;
      }
    }),
  );
  const sendWallMs = performance.now() - started;
  while (delivered < result.ok * room.length && performance.now() - lastDelivery < 30_000) await new Promise((resolve) => setTimeout(resolve, 20));
  room.forEach((socket, s) => {
    socket.off("chat:message", listeners[s]);
  });
  return { ...result, wallMs: lastDelivery - started, sendWallMs };
}

function row(name: string, run: Run & { wallMs: number }): (string | number)[] {
  const each: number[] = [];
  const roomMs: number[] = [];
  let missing = 0;
  for (let i = 0; i < run.sentAt.length; i += 1) {
    let last = 0;
    for (const heard of run.heard) {
      const at = heard[i];
      if (at === undefined) {
        missing += 1;
        continue;
      }
      each.push(at - run.sentAt[i]!);
      last = Math.max(last, at - run.sentAt[i]!);
    }
    roomMs.push(last);
  }
  return [
    name,
    run.sentAt.length,
    run.ok,
    run.ok / (run.wallMs / 1000),
    percentile(run.sendMs, 50),
    percentile(run.sendMs, 99),
    percentile(each, 50),
    percentile(each, 99),
    percentile(roomMs, 50),
    percentile(roomMs, 99),
    missing,
  ];
}

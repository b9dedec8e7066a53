import type { Redis } from "ioredis";
import type { Logger } from "../lib/log";
import { type EventBooks, ROOMS, type ServerToClientEvents, type SportsOddsMessage } from "../lib/protocol";
import type { BoardSummary } from "./board-summary";
import { subscribeBus } from "./bus";
import type { Delivery } from "./delivery";
import type { FeedStatusTracker } from "./feed-status";
import type { RelayMetrics } from "./metrics";
import type { SportCache } from "./sport-cache";

/**
 * What each message on the six Redis channels becomes for this instance's sockets (bus.ts
 * validates them): odds go through the sport cache and delivery, book-level prices to the
 * event's rooms (held for slow consumers), everything else to its room as it is.
 */

/** Emits to this instance's rooms (Socket.IO's `io.local`). */
export interface LocalEmitter {
  to(rooms: string | string[]): { emit<E extends keyof ServerToClientEvents>(event: E, ...args: Parameters<ServerToClientEvents[E]>): boolean };
}

export interface BusTargets {
  local: LocalEmitter;
  feed: Pick<FeedStatusTracker, "heartbeat" | "delta">;
  board: Pick<BoardSummary, "offer">;
  cache: Pick<SportCache, "apply">;
  delivery: Pick<Delivery, "delta" | "books" | "eventRooms" | "sportRooms">;
  /** Holds book-level prices for the slow consumers the broadcast skips. */
  holdBooks(books: EventBooks): void;
  /** A `tokens:revoked` message (tokens.ts). */
  revoked(message: { userId: string; before: number }): void;
  metrics: RelayMetrics;
}

/** Subscribes to the six channels and relays each message to this instance's sockets, each to its rooms. */
export async function routeBus(subscriber: Redis, targets: BusTargets, log: Logger): Promise<void> {
  const { local, delivery } = targets;
  await subscribeBus(
    subscriber,
    {
      sportsOdds: sportsOddsHandler(targets),
      event: (message) => {
        if (message.type === "event:books") {
          // Book-level detail goes to the event's own rooms only, never to the sport's.
          const { v, type, ...books } = message;
          delivery.books(books);
          targets.holdBooks(books);
          return;
        }
        const { v, type, ...update } = message;
        const rooms = [...delivery.eventRooms(update.eventId), ...(update.sport ? delivery.sportRooms(update.sport) : [])];
        local.to(rooms).emit("event:update", update);
      },
      chat: (message) => {
        const room = local.to(ROOMS.chat(message.eventId));
        if (message.type === "chat:delete") {
          const { v, type, ...deleted } = message;
          room.emit("chat:delete", deleted);
        } else {
          const { v, type, ...chat } = message;
          room.emit("chat:message", chat);
        }
      },
      adminEvent: ({ v, type, ...event }) => local.to(ROOMS.admins).emit("admin:event", event),
      userUpdate: ({ v, type, ...update }) => local.to(ROOMS.user(update.userId)).emit("user:update", update),
      revocation: (message) => targets.revoked(message),
    },
    log,
    targets.metrics,
  );
}

/** The `sports-odds` channel: the feed's heartbeat, the board summary, and the sports' deltas. */
function sportsOddsHandler({ feed, board, cache, delivery, metrics }: BusTargets): (message: SportsOddsMessage) => void {
  return (message) => {
    const now = Date.now();
    if (message.type === "feed:status") return feed.heartbeat(message, now);
    if (message.type === "sports:summary") {
      const { v, type, ...counts } = message;
      board.offer(counts);
      return;
    }
    feed.delta(now);
    metrics.deltaLag.observe(Math.max(0, now - message.ts) / 1000);
    if (message.type === "odds:delta" && message.origin !== undefined) metrics.originLag.observe(Math.max(0, now - message.origin) / 1000);
    if (cache.apply(message) !== "applied" || message.type !== "odds:delta") return;
    delivery.delta(message.sport, message);
  };
}

/**
 * While the bus is down the feed is stale; when it is back, held sports catch up from history, and
 * `reread` reads again what may have been announced meanwhile (the board summary, revocations).
 */
export function watchBus(
  subscriber: Redis,
  feed: Pick<FeedStatusTracker, "busLost" | "busRestored">,
  cache: Pick<SportCache, "catchUpAll">,
  log: Logger,
  reread: () => Promise<void>,
): void {
  let lost = false;
  subscriber.on("close", () => {
    if (lost) return;
    lost = true;
    feed.busLost(Date.now());
  });
  subscriber.on("ready", () => {
    if (!lost) return;
    lost = false;
    log.info("bus connection restored; catching up from history");
    feed.busRestored();
    cache.catchUpAll();
    void reread();
  });
}

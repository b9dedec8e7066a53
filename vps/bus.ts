import type { Redis } from "ioredis";
import type { z } from "zod";
import type { Logger } from "../lib/log";
import {
  AdminEventMessage,
  CHANNELS,
  type Channel,
  ChatChannelMessage,
  EventChannelMessage,
  SportsOddsMessage,
  TokensRevokedMessage,
  UserUpdateMessage,
  parseJson,
} from "../lib/protocol";
import type { RelayMetrics } from "./metrics";

export interface BusHandlers {
  sportsOdds: (message: SportsOddsMessage) => void;
  event: (message: EventChannelMessage) => void;
  chat: (message: ChatChannelMessage) => void;
  adminEvent: (message: AdminEventMessage) => void;
  userUpdate: (message: UserUpdateMessage) => void;
  revocation: (message: TokensRevokedMessage) => void;
}

type Route = { [C in Channel]: { schema: z.ZodType<unknown>; handle: (message: never) => void } };

/**
 * Subscribes to the six channels and hands each validated message to its handler. A malformed
 * message is counted, logged (rate-limited) and dropped; a throwing handler is logged, never fatal.
 */
export async function subscribeBus(subscriber: Redis, handlers: BusHandlers, log: Logger, metrics: RelayMetrics): Promise<void> {
  const routes: Route = {
    [CHANNELS.sportsOdds]: { schema: SportsOddsMessage, handle: handlers.sportsOdds },
    [CHANNELS.eventUpdates]: { schema: EventChannelMessage, handle: handlers.event },
    [CHANNELS.chatMessages]: { schema: ChatChannelMessage, handle: handlers.chat },
    [CHANNELS.adminEvents]: { schema: AdminEventMessage, handle: handlers.adminEvent },
    [CHANNELS.userUpdates]: { schema: UserUpdateMessage, handle: handlers.userUpdate },
    [CHANNELS.revocations]: { schema: TokensRevokedMessage, handle: handlers.revocation },
  };
  let lastRejectLog = 0;
  subscriber.on("message", (channel: string, raw: string) => {
    const route = routes[channel as Channel];
    if (!route) return;
    metrics.busMessages.inc({ channel });
    const parsed = parseJson(route.schema, raw);
    if (!parsed.ok) {
      metrics.busRejected.inc({ channel });
      if (Date.now() - lastRejectLog > 5_000) {
        lastRejectLog = Date.now();
        log.warn({ channel, error: parsed.error, sample: raw.slice(0, 200) }, "dropped a malformed bus message");
      }
      return;
    }
    try {
      route.handle(parsed.message as never);
    } catch (error) {
      log.error({ channel, err: error instanceof Error ? error.stack : String(error) }, "bus handler failed");
    }
  });
  await subscriber.subscribe(...Object.values(CHANNELS));
}

/**
 * Names shared by every process: Redis pub/sub channels, Socket.IO rooms and Redis keys.
 * Changing one is a protocol change (docs/protocol.md).
 */

/** Redis pub/sub channels the relay subscribes to. */
export const CHANNELS = {
  sportsOdds: "sports-odds",
  eventUpdates: "event-updates",
  chatMessages: "chat-messages",
  adminEvents: "admin-events",
  userUpdates: "user-updates",
  /** `tokens:revoked` (lib/protocol/auth.ts): an account's relay tokens are void from now on. */
  revocations: "relay-revocations",
} as const;

export type Channel = (typeof CHANNELS)[keyof typeof CHANNELS];

export const ROOMS = {
  sport: (sport: string) => `sport:${sport}`,
  event: (eventId: string) => `event:${eventId}`,
  user: (userId: string) => `user:${userId}`,
  chat: (eventId: string) => `chat:${eventId}`,
  admins: "admins",
} as const;

/** Redis keys. Per-sport keys share a `{sport}` hash tag so one Lua script may touch them all. */
export const KEYS = {
  /** Hash eventId → EventOdds JSON: the canonical state of one sport. */
  sportState: (sport: string) => `odds:{${sport}}:state`,
  /** Integer: the seq the state reflects; rises by one per delta. */
  sportSeq: (sport: string) => `odds:{${sport}}:seq`,
  /** Stream of recent deltas (field `m`: the bus message) for replay. */
  sportHistory: (sport: string) => `odds:{${sport}}:history`,
  /** List of "<seq>:<ts>", one per history entry, oldest first: trims the history without reading it. */
  sportHistoryTimes: (sport: string) => `odds:{${sport}}:history-times`,
  /** List of PricePoint JSON, oldest first: one event's price history (bounded, expires). */
  priceHistory: (eventId: string) => `history:event:${eventId}`,
  /** Set of sport keys that have state. */
  sports: "odds:sports",
  /** String: the last `sports:summary` bus message (event counts per sport), for late joiners. */
  sportsSummary: "odds:summary",
  /** String: the active sports' SportCatalogue JSON (title, group, esports), rewritten by the leader when it changes. */
  sportsCatalogue: "odds:catalogue",
  /** String: one board event's StoredEventBooks JSON (every bookmaker's price); rewritten when its rows move, expires when quiet. */
  eventBooks: (eventId: string) => `books:event:${eventId}`,
  /** String: the current leader's fencing token; expires unless renewed. */
  publisherLeader: "publisher:leader",
  /** Hash: the leader's counters and timings, written every tick. */
  publisherStatus: "publisher:status",
  /** String: the odds source's SourceReport JSON, rewritten every second with a short expiry (lib/protocol/source.ts). */
  sourceStatus: "source:status",
  /** String: one odds producer instance's last ProducerBeat JSON (lib/protocol/producers.ts); expires unless rewritten. */
  producerBeat: (producer: string, instanceId: string) => `producer:${producer}:${instanceId}`,
  /** Sorted set of "<producer>:<instanceId>" scored by the time of its last beat: which beat keys to read. */
  producers: "producers",
  /** String: the feed's leader lease for one producer (one active instance per producer); expires unless renewed. */
  producerLeader: (producer: string) => `producer:${producer}:leader`,
  /** String: the publishing leader's TrustRecord JSON (lib/protocol/trust.ts), rewritten every control step with a short expiry. */
  oddsTrust: "odds:trust",
  /**
   * String: ms (Redis's clock) up to which every relay token of this account is void (sign-out,
   * password or role change); expires after RELAY_REVOCATION_TTL_MS, when no such token is left.
   */
  relayRevocation: (userId: string) => `relay-revoked:${userId}`,
  /** Pub/sub channel telling publisher processes that the desired state (in Postgres) changed. */
  publisherControl: "publisher:control",
} as const;

/** Events with a null sport that are esports are published under this sport key. */
export const ESPORTS_SPORT_KEY = "esports";

/** The sport an event is published under, or null when it is not on the live board at all. */
export function boardSport(event: { sport: string | null; isEsports: boolean }): string | null {
  return event.sport ?? (event.isEsports ? ESPORTS_SPORT_KEY : null);
}

/** Sport keys look like The Odds API's: lower-case words joined by underscores. */
export const SPORT_KEY_PATTERN = /^[a-z0-9_]{1,64}$/;

/** Ids that may appear in rooms and delta paths: no dots, no spaces. */
export const ID_PATTERN = /^[A-Za-z0-9_:-]{1,64}$/;

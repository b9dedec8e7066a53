/**
 * Bounds shared by several messages: what one client request may ask for, and the longest reason
 * any status carries. A module of its own, importing nothing, so every schema can use them.
 */

const maxSportsPerSubscribe = 20;
const maxEventsPerSubscribe = 100;

/** Limits a client may not exceed (the relay answers with an error code when it does). */
export const LIMITS = {
  maxSportsPerSubscribe,
  maxEventsPerSubscribe,
  /**
   * Default of RELAY_MAX_SUBSCRIPTIONS (sports + events held by one connection): the most one valid
   * `subscribe` can ask for, so any request the schema accepts fits a fresh connection.
   */
  defaultMaxSubscriptions: maxSportsPerSubscribe + maxEventsPerSubscribe,
  /** Bytes of one client message as JSON. */
  maxMessageBytes: 16 * 1024,
  /** Market keys in one `subscribe`'s `markets` filter. */
  maxMarketsPerFilter: 32,
  /** Bookmaker keys in one `subscribe`'s `books` filter. */
  maxBooksPerFilter: 64,
} as const;

/** The longest reason any status carries (feed status, trust record, producer beats, the source's report), characters. */
export const REASON_MAX = 300;

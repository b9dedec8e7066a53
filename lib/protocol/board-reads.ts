import { z } from "zod";
import { SportKey } from "./odds";
import { OddsSnapshot, WireDelta } from "./wire";

/**
 * What the web app's public board routes answer (docs/http.md): the list of sports, and a sport's
 * deltas after a seq. The snapshot itself is an OddsSnapshot (wire.ts), an event's page data an
 * EventDetailAnswer (event-detail.ts).
 */

/** One active sport of the catalogue, as the publisher stores it for the web app. */
export const SportInfo = z.object({
  key: SportKey,
  title: z.string(),
  /** The sport's group, e.g. "Soccer" or "Esports". */
  group: z.string(),
  isEsports: z.boolean(),
});
export type SportInfo = z.infer<typeof SportInfo>;

/**
 * The active sports (`odds:catalogue`), by group then title, as the leader last read them from
 * Postgres: what `GET /api/sports` and the pages list, joined with the board summary's counts.
 */
export const SportCatalogue = z.object({
  v: z.literal(1),
  type: z.literal("sports:catalogue"),
  /** Publisher clock when read, ms since epoch. */
  ts: z.number(),
  sports: z.array(SportInfo),
});
export type SportCatalogue = z.infer<typeof SportCatalogue>;

/** One sport as `GET /api/sports` lists it: an active sport of the catalogue with its board counts. */
export const SportListing = SportInfo.extend({
  /** Events on the board (active or suspended). */
  activeEvents: z.number().int().min(0),
  /** Of those, events in play. */
  liveEvents: z.number().int().min(0),
});
export type SportListing = z.infer<typeof SportListing>;

/** The body of `GET /api/sports`: active sports by group, then title. */
export const SportsAnswer = z.object({ sports: z.array(SportListing) });
export type SportsAnswer = z.infer<typeof SportsAnswer>;

/**
 * The body of `GET /api/sports/snapshot?sport=KEY&since=SEQ`: every delta after SEQ up to `seq`,
 * in order and packed exactly as the socket's `odds:delta` (empty when SEQ is current); or, when
 * history cannot serve SEQ, the whole state flagged `resync`, as a socket `resume` would get.
 */
export const ReplayAnswer = z.union([
  z.object({ sport: SportKey, seq: z.number().int().min(0), deltas: z.array(WireDelta) }),
  z.object({ resync: z.literal(true), snapshot: OddsSnapshot }),
]);
export type ReplayAnswer = z.infer<typeof ReplayAnswer>;

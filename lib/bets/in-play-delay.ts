import type { EventOdds } from "../protocol";

/**
 * How long a bet on an event in play waits before it is decided (docs/bets.md, "In-play delay").
 * Exchanges hold in-play bets for a few seconds (Betfair football 5 s, tennis 3 s; Smarkets 8 s)
 * so that a bettor watching a faster picture than our feed cannot take prices the feed has not
 * moved yet. Pure and free of server imports: the bet slip uses it to show the wait beforehand.
 */

/** The delays a server is configured with (BET_INPLAY_DELAY_MS, BET_INPLAY_DELAYS). */
export interface InPlayDelays {
  /** ms, for a sport that `bySport` does not name. */
  defaultMs: number;
  /** ms by sport key (`soccer_epl`) or by group, the key's part before the first `_` (`soccer`). */
  bySport: Record<string, number>;
}

/**
 * The delay of `sport`'s in-play bets, ms: its own key's entry, else its group's, else the default.
 * @example inPlayDelayMs({ defaultMs: 5000, bySport: { tennis: 3000 } }, "tennis_atp_wimbledon") // 3000
 */
export function inPlayDelayMs(delays: InPlayDelays, sport: string): number {
  const group = sport.split("_", 1)[0] ?? sport;
  for (const key of [sport, group]) {
    if (Object.hasOwn(delays.bySport, key)) return delays.bySport[key] ?? delays.defaultMs;
  }
  return delays.defaultMs;
}

/** The delays from the parsed environment. */
export function inPlayDelaysOf(config: { BET_INPLAY_DELAY_MS: number; BET_INPLAY_DELAYS: Record<string, number> }): InPlayDelays {
  return { defaultMs: config.BET_INPLAY_DELAY_MS, bySport: { ...config.BET_INPLAY_DELAYS } };
}

/**
 * Whether an event is in play for its bets: the board says live, or its start time has passed.
 * A source's phase can lag the kick-off (The Odds API's poller learns it only when it polls the
 * sport's scores), and a bet in that gap must not be taken at once at a pre-match price.
 *
 * @param now ms since epoch
 * @example isInPlay({ phase: "prematch", startsAt: "2026-12-07T15:00:00Z" }, Date.parse("2026-12-07T15:00:01Z")) // true
 */
export function isInPlay(event: Pick<EventOdds, "phase" | "startsAt">, now: number): boolean {
  return event.phase === "live" || Date.parse(event.startsAt) <= now;
}

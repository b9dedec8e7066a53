import { SUSPENDED_REASONS, type SuspendedReason } from "@/lib/bets/refusal";
import { type OddsFormat, formatOdds } from "@/lib/odds";
import { TRUST_REASONS, type TrustReason } from "@/lib/protocol";
import { money } from "./selection-label";

/**
 * What the bet slip says, in words: the in-play delay before a bet, the countdown while it waits,
 * and why a bet was refused (each code and reason of POST /api/bets, docs/bets.md "When a bet is
 * refused"). Codes it does not know fall back to the server's own message.
 */

/** A refused bet as the route answered it. */
export interface Refused {
  code: string;
  message: string;
  /** price_changed: the price now (decimal odds). */
  price?: number;
  /** market_suspended, prices_stale: why. */
  reason?: string;
  /** liability_limit: the largest stake the market takes now. */
  maxStake?: number;
  /** timed_out, self_excluded: when the bettor's block ends (ISO 8601). */
  until?: string;
}

const SUSPENDED_TEXT: Record<SuspendedReason, string> = {
  no_prices: "No bookmaker is pricing this market right now, so it takes no bets until one does.",
  suspended_during_delay: "The market was suspended during the in-play delay, so the bet was not taken. Check the price and try again.",
};

const STALE_TEXT: Record<TrustReason, string> = {
  publisher_down: "Live prices are not coming through right now, so no bet can be taken. Try again in a moment.",
  publisher_stopped: "Live prices are paused, so no bet can be taken until they resume.",
  publisher_failing: "Live prices are not updating as they should, so no bet can be taken until they are.",
  producer_down: "Our odds feed has stopped sending prices, so these prices may be out of date. Bets are paused until it is back.",
  sport_stale: "The prices of this sport are out of date. Its bets are paused until fresh prices arrive.",
};

const CODE_TEXT: Record<string, string> = {
  market_suspended: "This market is suspended right now.",
  market_closed: "This market is closed.",
  event_closed: "This event is over.",
  insufficient_funds: "Your balance does not cover this stake.",
  not_found: "This selection is no longer offered.",
};

/**
 * Why a bet was refused, for the bettor.
 * @example refusalText({ code: "price_changed", message: "the price is now 2.3", price: 2.3 }, "decimal") // "The price moved to 2.30. …"
 */
export function refusalText(refused: Refused, format: OddsFormat): string {
  const { code, reason } = refused;
  if (code === "price_changed" && refused.price !== undefined)
    return `The price moved to ${formatOdds(refused.price, format)}, which your choice for a moved price does not take. Check it and place again.`;
  if (code === "market_suspended" && isOneOf(SUSPENDED_REASONS, reason)) return SUSPENDED_TEXT[reason];
  if (code === "prices_stale") return isOneOf(TRUST_REASONS, reason) ? STALE_TEXT[reason] : sentence(refused.message);
  if ((code === "timed_out" || code === "self_excluded") && refused.until) {
    const until = dateTime.format(new Date(refused.until));
    return code === "timed_out"
      ? `You are taking a time-out from betting until ${until}. Your bets and balance stay as they are.`
      : `You have excluded yourself from betting until ${until}. Your bets and balance stay as they are.`;
  }
  if (code === "liability_limit") {
    return refused.maxStake === undefined
      ? "This market has taken all it can and is suspended."
      : `This market can take at most ${money.format(refused.maxStake)} on this selection right now.`;
  }
  return Object.hasOwn(CODE_TEXT, code) ? (CODE_TEXT[code] ?? sentence(refused.message)) : sentence(refused.message);
}

/** What the slip says before an in-play bet is placed: how long it will wait. */
export function delayNotice(delayMs: number): string {
  return `In play: your bet waits ${seconds(delayMs)} s before it is accepted, and is taken only if the market is still open and the price still suits you.`;
}

/**
 * The countdown while an in-play bet waits, in whole seconds rounded up.
 * @example countdownText(3200) // "Accepting in 4 s…"
 */
export function countdownText(remainingMs: number): string {
  return remainingMs > 0 ? `Accepting in ${Math.ceil(remainingMs / 1_000)} s…` : "Accepting…";
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const seconds = (ms: number) => Number((ms / 1_000).toFixed(1));
const sentence = (text: string) => (text ? `${text[0]?.toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? "" : "."}` : "The bet was not taken.");
const isOneOf = <T extends string>(values: readonly T[], value: string | undefined): value is T =>
  value !== undefined && (values as readonly string[]).includes(value);

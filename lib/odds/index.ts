/**
 * Pure odds maths for the live-odds backbone: price formats, margin removal, bookmaker consensus,
 * hybrid (bookmaker + pool) pricing, the exchange ladder, parimutuel payouts, best prices, edge and
 * arbitrage. No I/O and no imports outside this folder. Formulas and edge cases: docs/odds.md.
 */
export { OddsInputError } from "./errors";
export { type OddsFormat, americanToDecimal, decimalToAmerican, formatOdds, impliedProbability } from "./formats";
export { decimalToFractional, fractionalToDecimal } from "./fractional";
export { DEFAULT_MARGIN_METHOD, MARGIN_METHODS, type MarginMethod } from "./margin-method";
export { type MarginRemoval, overround, removeMargin, removeMarginDetailed } from "./margin";
export { type BookPrices, consensus } from "./consensus";
export { type HybridOddsInput, type HybridOutcome, type PriceClamp, hybridOdds } from "./hybrid";
export { LADDER_MAX, LADDER_MIN, isOnLadder, ladderPrices, roundDownToLadder, ticks } from "./ladder";
export { PRICE_LADDERS, type PriceLadder } from "./price-ladder";
export { parimutuelPrices } from "./parimutuel";
export { type Arbitrage, type BestPrice, arbitrage, bestPrices, edge } from "./best-price";
export { type MarketBook, type MarketOutcome, type PriceMarketInput, type PricedMarket, priceMarket } from "./market";

/**
 * Money on our side: amounts in the site's currency with at most two decimals. They travel as
 * numbers on the wire and as NUMERIC(14,2) in Postgres; arithmetic that must be exact (balances)
 * happens in Postgres, never in floating point here.
 */

/** The exact decimal text Postgres is given, e.g. money(12.5) → "12.50". */
export function money(amount: number): string {
  return amount.toFixed(2);
}

/** An amount in whole cents, where sums of amounts must come out exact (running totals, limits). */
export const toCents = (amount: number): number => Math.round(amount * 100);

/** Whole cents back as an amount. */
export const fromCents = (cents: number): number => cents / 100;

/** A NUMERIC read back from Postgres (Prisma's Decimal, or the text a raw query returns) as a number. */
export function toAmount(value: { toString(): string } | string | number): number {
  return Number(value.toString());
}

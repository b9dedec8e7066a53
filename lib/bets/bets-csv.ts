import type { BetView } from "../protocol";

/**
 * A bettor's bet history as CSV (GET /api/bets/export), one row per bet, newest first, for a
 * spreadsheet. RFC 4180: fields holding a comma, a quote or a line break are quoted, quotes
 * doubled, lines end in CRLF. A text field that a spreadsheet would take for a formula (it starts
 * with `=`, `+`, `-`, `@`, a tab or a carriage return: event and selection names come from odds
 * feeds) is prefixed with `'`, so it is shown, never run.
 */

export const CSV_COLUMNS = [
  "placed_at",
  "event",
  "market",
  "selection",
  "point",
  "stake",
  "price",
  "potential_return",
  "status",
  "settled_at",
  "payout",
  "void_reason",
  "bet_id",
] as const;

/** One field, quoted when it must be; text that could start a formula defused. */
export function csvField(value: string | number | null): string {
  if (value === null) return "";
  const text = typeof value === "number" ? String(value) : /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const amount = (value: number | null) => (value === null ? null : value.toFixed(2));

/** The header and one line per bet. */
export function betsCsv(bets: BetView[]): string {
  const lines = [CSV_COLUMNS.join(",")];
  for (const bet of bets) {
    const row = [
      bet.placedAt,
      bet.event,
      bet.market,
      bet.selection,
      bet.point,
      amount(bet.stake),
      bet.price,
      amount(bet.potentialReturn),
      bet.status,
      bet.settledAt,
      amount(bet.payout),
      bet.voidReason,
      bet.id,
    ];
    lines.push(row.map(csvField).join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}

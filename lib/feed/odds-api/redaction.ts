/**
 * Keeping the API key out of logs, errors and thrown messages. The key travels in the query
 * string (`apiKey=…`), so every URL we mention goes through here, and every text we did not write
 * ourselves (a fetch failure's cause, an upstream message) has the key itself blanked.
 */

const MASK = "***";

/**
 * A URL with the apiKey parameter masked (other parameters kept: they help when reading logs).
 * @example redactUrl("https://api.the-odds-api.com/v4/sports?apiKey=abc&all=true")
 * // "https://api.the-odds-api.com/v4/sports?apiKey=***&all=true"
 */
export function redactUrl(url: string): string {
  return url.replace(/([?&]api_?key=)[^&#]*/gi, `$1${MASK}`);
}

/**
 * `text` with every occurrence of `secret` masked, and any apiKey parameter masked too (in case the
 * key was URL-encoded differently). An empty secret masks nothing.
 */
export function redactSecret(text: string, secret: string): string {
  const masked = secret === "" ? text : text.split(secret).join(MASK);
  const encoded = encodeURIComponent(secret);
  const alsoEncoded = secret === "" || encoded === secret ? masked : masked.split(encoded).join(MASK);
  return redactUrl(alsoEncoded);
}

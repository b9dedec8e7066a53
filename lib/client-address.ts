/**
 * Whose request is this: the address per-address limits count, for the web app (server.ts) and
 * the relay (vps/connection-limits.ts) alike.
 *
 * Behind a proxy every connection comes from the proxy, so with `trustProxy` the last
 * `X-Forwarded-For` entry is used: the one our proxy appended, which a client cannot choose
 * (entries to its left are whatever the client sent). Without `trustProxy` the header is
 * ignored, or any client could claim any address. IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`)
 * count as their IPv4 address, so one client is one subject whichever way its socket is bound.
 *
 * @example clientAddress({ socket: "::ffff:10.0.0.2", forwardedFor: "1.1.1.1, 203.0.113.7" }, true) // "203.0.113.7"
 * @example clientAddress({ socket: "::ffff:10.0.0.2", forwardedFor: "1.1.1.1" }, false) // "10.0.0.2"
 */
export function clientAddress(from: { socket: string | undefined; forwardedFor: string | string[] | undefined }, trustProxy: boolean): string {
  const forwarded = trustProxy ? lastForwarded(from.forwardedFor) : null;
  const address = forwarded ?? from.socket ?? "unknown";
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice("::ffff:".length) : address;
}

function lastForwarded(header: string | string[] | undefined): string | null {
  const joined = Array.isArray(header) ? header.join(",") : header;
  const entries = (joined ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  return entries.at(-1) ?? null;
}

/** The `X-Forwarded-*` headers Next.js believes when a request carries them. */
const FORWARDED = ["x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port"] as const;

/**
 * Rewrites a request's forwarding headers before Next.js sees them (server.ts). Next.js fills
 * `X-Forwarded-For` from the socket only when the request has none (`??=`), so a client talking to
 * it directly could name any address. Here `X-Forwarded-For` becomes exactly the client's
 * address, as `clientAddress` decides it; without a trusted proxy, the other `X-Forwarded-*`
 * headers a client sent are dropped too, and Next.js fills them from the connection itself.
 */
export function settleForwarded(headers: Record<string, string | string[] | undefined>, socket: string | undefined, trustProxy: boolean): void {
  const address = clientAddress({ socket, forwardedFor: headers["x-forwarded-for"] }, trustProxy);
  if (!trustProxy) for (const name of FORWARDED) delete headers[name];
  headers["x-forwarded-for"] = address;
}

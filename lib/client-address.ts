import { isIPv6 } from "node:net";

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
  return unmapped(forwarded ?? from.socket ?? "unknown");
}

/**
 * The last entry of an `X-Forwarded-For` header (one value, or the values of repeated headers),
 * or null when it has none.
 * @example lastForwarded("1.1.1.1, 203.0.113.7") // "203.0.113.7"
 */
export function lastForwarded(header: string | string[] | null | undefined): string | null {
  const joined = Array.isArray(header) ? header.join(",") : header;
  const entries = (joined ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return entries.at(-1) ?? null;
}

/**
 * The subject a per-address limit counts a client address under: an IPv4 address as it is, an
 * IPv6 address by its /64. One home, phone or server is given a whole /64 and may use any address
 * in it, so counted per /128 a single client would have 2^64 fresh subjects. IPv4-mapped IPv6
 * addresses count as their IPv4 address.
 *
 * @example addressBucket("2001:db8:1:2:a:b:c:d") // "2001:db8:1:2::/64"
 * @example addressBucket("::ffff:203.0.113.7") // "203.0.113.7"
 */
export function addressBucket(address: string): string {
  const plain = unmapped(address);
  const ip = plain.split("%", 1)[0] ?? plain; // without a zone (`fe80::1%eth0`)
  if (!isIPv6(ip)) return plain;
  return `${ipv6Groups(ip)
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(":")}::/64`;
}

function unmapped(address: string): string {
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice("::ffff:".length) : address;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a dotted IPv4 tail as two groups). */
function ipv6Groups(address: string): number[] {
  const parse = (part: string): number[] =>
    part === "" ? [] : part.split(":").flatMap((group) => (group.includes(".") ? dottedGroups(group) : [Number.parseInt(group, 16)]));
  const gap = address.indexOf("::");
  if (gap < 0) return parse(address);
  const head = parse(address.slice(0, gap));
  const tail = parse(address.slice(gap + 2));
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

function dottedGroups(ipv4: string): number[] {
  const [a = 0, b = 0, c = 0, d = 0] = ipv4.split(".").map(Number);
  return [(a << 8) | b, (c << 8) | d];
}

/** The `X-Forwarded-*` headers Next.js believes when a request carries them. */
const FORWARDED = ["x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port"] as const;

/**
 * Rewrites a request's forwarding headers before Next.js sees them (server.ts). Next.js fills
 * `X-Forwarded-For` from the socket only when the request has none (`??=`), so a client talking to
 * it directly could name any address. Here `X-Forwarded-For` becomes exactly the client's
 * address, as `clientAddress` decides it; without a trusted proxy, the other `X-Forwarded-*`
 * headers a client sent are dropped too, and Next.js fills them from the connection itself.
 * Returns whether it dropped any: behind a proxy that nobody told us to trust, the request's
 * https and host are then lost (server.ts warns).
 */
export function settleForwarded(headers: Record<string, string | string[] | undefined>, socket: string | undefined, trustProxy: boolean): boolean {
  const address = clientAddress({ socket, forwardedFor: headers["x-forwarded-for"] }, trustProxy);
  const dropped = !trustProxy && FORWARDED.some((name) => headers[name] !== undefined);
  if (!trustProxy) for (const name of FORWARDED) delete headers[name];
  headers["x-forwarded-for"] = address;
  return dropped;
}

import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { Redis } from "ioredis";
import { SESSION_COOKIE } from "./accounts/sessions";
import { KEYS } from "./protocol";

/** One rendered board page as it went out: status 200, its headers and its (possibly compressed) body. */
interface CachedPage {
  version: string;
  headers: OutgoingHttpHeaders;
  body: Buffer;
}

// Counts board renders that showed a problem (Redis unreadable mid-render): such a page is never
// kept. On globalThis because Next.js bundles the page apart from server.ts, in the same process.
const marks = globalThis as typeof globalThis & { __liveOddsDegradedRenders?: number };

/** Called by the board page when it renders a problem notice: pages rendered meanwhile are not kept. */
export function noteDegradedRender(): void {
  marks.__liveOddsDegradedRenders = (marks.__liveOddsDegradedRenders ?? 0) + 1;
}

/** Pages held: one per URL and encoding; the board has a handful of sports. */
const MAX_PAGES = 64;

// Everything a signed-out /sports render reads from Redis, in one round trip: the catalogue, the
// summary, and the seq of every registered sport. The page changes only when one of these does.
// The seq keys are built in the script, not passed as KEYS: fine on the one Redis this system runs
// (not on a Redis Cluster, where every key a script touches must be declared).
const VERSION_SCRIPT = `
local out = {redis.call('GET', KEYS[1]) or '', redis.call('GET', KEYS[2]) or ''}
local sports = redis.call('SMEMBERS', KEYS[3])
table.sort(sports)
for _, sport in ipairs(sports) do
  out[#out + 1] = sport .. '=' .. (redis.call('GET', 'odds:{' .. sport .. '}:seq') or '0')
end
return out`;

/**
 * The signed-out `/sports` page, rendered once per version of the board and then served from
 * memory: the same HTML Next.js wrote, while the catalogue, the summary and every sport's seq are
 * what it was rendered from (checked with one Redis script per request), so a cached page is never
 * behind what Redis holds. Requests with a session cookie, client-side navigations (RSC), other
 * query parameters, and any Redis failure go to Next.js as usual.
 */
export class BoardPageCache {
  private readonly pages = new Map<string, CachedPage>();

  constructor(private readonly redis: Redis) {
    if (KEYS.sportSeq("x") !== "odds:{x}:seq") throw new Error("VERSION_SCRIPT spells the seq key differently from KEYS.sportSeq");
  }

  /** Serves `req` from memory when it can, else hands it to `render` (capturing a cacheable answer). */
  async handle(req: IncomingMessage, res: ServerResponse, render: () => void): Promise<void> {
    const key = cacheKey(req);
    if (key === null) return render();
    let version: string;
    try {
      version = ((await this.redis.eval(VERSION_SCRIPT, 3, KEYS.sportsCatalogue, KEYS.sportsSummary, KEYS.sports)) as string[]).join("\n");
    } catch {
      return render();
    }
    const held = this.pages.get(key);
    if (held && held.version === version) {
      res.writeHead(200, { ...held.headers, "x-page-cache": "hit" });
      res.end(held.body);
      return;
    }
    this.capture(res, (headers, body) => {
      if (this.pages.size >= MAX_PAGES && !this.pages.has(key)) this.pages.clear();
      this.pages.set(key, { version, headers, body });
    });
    render();
  }

  /** Collects what Next.js writes to `res`; a complete 200 without cookies is handed to `store`. */
  private capture(res: ServerResponse, store: (headers: OutgoingHttpHeaders, body: Buffer) => void): void {
    const chunks: Buffer[] = [];
    const degraded = marks.__liveOddsDegradedRenders ?? 0;
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    const keep = (chunk: unknown, encoding: unknown) => {
      if (typeof chunk === "string") chunks.push(Buffer.from(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8"));
      else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
    };
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      keep(chunk, rest[0]);
      return write(chunk, ...rest);
    }) as ServerResponse["write"];
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (chunk !== undefined && typeof chunk !== "function") keep(chunk, rest[0]);
      const headers = res.getHeaders();
      const clean = (marks.__liveOddsDegradedRenders ?? 0) === degraded;
      if (clean && res.statusCode === 200 && headers["set-cookie"] === undefined) store(headers, Buffer.concat(chunks));
      return end(chunk, ...rest);
    }) as ServerResponse["end"];
  }
}

/** The cache key of a cacheable request (`GET /sports` or `/sports?sport=KEY`, signed out, a full page), else null. */
function cacheKey(req: IncomingMessage): string | null {
  if (req.method !== "GET" || !req.url) return null;
  const url = new URL(req.url, "http://local");
  if (url.pathname !== "/sports") return null;
  const params = [...url.searchParams.keys()];
  if (params.some((name) => name !== "sport") || params.length > 1) return null;
  const { headers } = req;
  if (
    headers.rsc !== undefined ||
    headers["next-router-state-tree"] !== undefined ||
    headers["next-router-prefetch"] !== undefined ||
    headers.range !== undefined
  )
    return null;
  if ((headers.cookie ?? "").includes(`${SESSION_COOKIE}=`)) return null;
  return `${url.search}|${headers["accept-encoding"] ?? ""}`;
}

import { request as httpRequest } from "node:http";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CHANNELS, FeedStatusMessage, KEYS, parseJson } from "../../lib/protocol";
import type { PublisherStatus } from "../../lib/publisher/control";
import { type TestClient, connectClient } from "../support/client";
import { type FullStack, startFullStack, until } from "../support/full-stack";
import { TEST_ADMIN_TOKEN } from "../support/stack";

/** POST/DELETE/GET /api/sports/ws-publisher and GET /api/sports over real HTTP on the web app (server.ts). */
describe("publisher control routes", () => {
  let stack: FullStack;
  let redis: Redis;
  let watcher: TestClient;
  const route = () => `${stack.web.url}/api/sports/ws-publisher`;
  const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
  const status = async () => (await (await fetch(route())).json()) as PublisherStatus;

  beforeAll(async () => {
    stack = await startFullStack(inject("pgServerUrl"), "routes");
    redis = new Redis(stack.redis.url);
    redis.on("error", () => {}); // this test stops Redis on purpose
    watcher = await connectClient(stack.relay.url);
    await watcher.emit("subscribe", { sports: ["soccer_epl"] });
    await until(async () => (await status()).running, 20_000, "publisher running");
  });

  /** The next `count` publisher heartbeats, read straight off the bus. */
  async function heartbeats(count: number, timeoutMs = 10_000): Promise<FeedStatusMessage[]> {
    const listener = new Redis(stack.redis.url);
    const seen: FeedStatusMessage[] = [];
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`${seen.length} of ${count} heartbeats within ${timeoutMs} ms`)), timeoutMs);
        listener.on("message", (_channel: string, raw: string) => {
          const message = parseJson(FeedStatusMessage, raw);
          if (message.ok && seen.push(message.message) === count) resolve();
        });
        listener.subscribe(CHANNELS.sportsOdds).catch(reject);
      });
    } finally {
      clearTimeout(timer);
      listener.disconnect();
    }
    return seen;
  }

  afterAll(async () => {
    watcher?.close();
    redis?.disconnect();
    await stack?.stop();
  });

  it("GET reports a running publisher from real counters", async () => {
    await until(async () => (await status()).published.ticks > 5);
    const current = await status();
    expect(current).toMatchObject({ desired: "running", running: true, intervalMs: 100, leader: { instanceId: expect.any(String) } });
    // `running` holds only while the last tick is recent (the status's own rule, health "ok"), and
    // the ticks it counts keep coming: a later read reports a later successful tick.
    expect(current.health).toEqual({ status: "ok" });
    expect(current.lastTick).toMatchObject({ at: expect.any(String), ageMs: expect.any(Number) });
    const tickedAt = Date.parse(current.lastTick?.at ?? "");
    await until(async () => Date.parse((await status()).lastTick?.at ?? "") > tickedAt, 10_000, "a later tick");
    expect(current.tickDurationMs.p50).toBeGreaterThan(0);
    expect(current.published.messages).toBeGreaterThan(0);
    expect(current.published.bytes).toBeGreaterThan(0);
    expect(current.errors.count).toBe(0);
  });

  it("refuses POST and DELETE without the admin token, with a 401 JSON error", async () => {
    for (const method of ["POST", "DELETE"]) {
      const missing = await fetch(route(), { method });
      expect(missing.status).toBe(401);
      expect(await missing.json()).toMatchObject({ error: { code: "unauthorized" } });
      const wrong = await fetch(route(), { method, headers: { authorization: "Bearer nope" } });
      expect(wrong.status).toBe(401);
    }
    expect((await status()).running).toBe(true);
  });

  it("DELETE stops it (idempotently), clients hear 'stopped', and nothing is published meanwhile", async () => {
    for (let i = 0; i < 2; i += 1) {
      const response = await fetch(route(), { method: "DELETE", headers: admin });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ desired: "stopped", running: false, confirmed: true });
    }
    await watcher.waitFor("feed:status", (s) => s.status === "stopped");
    const seq = Number(await redis.get(KEYS.sportSeq("soccer_epl")));
    await stack.db.event.updateMany({ where: { sport: "soccer_epl", phase: "LIVE" }, data: { homeScore: 42 } });
    // Two heartbeats later the leader has looked at its decision again since the commit.
    expect((await heartbeats(2)).map((h) => h.status)).toEqual(["stopped", "stopped"]);
    expect(Number(await redis.get(KEYS.sportSeq("soccer_epl")))).toBe(seq);
    expect(await status()).toMatchObject({ desired: "stopped", running: false, health: { status: "stopped", reason: "stopped by the admin token" } });
  });

  it("POST starts it again (idempotently) and the change made while stopped is published, not lost", async () => {
    const seq = Number(await redis.get(KEYS.sportSeq("soccer_epl")));
    for (let i = 0; i < 2; i += 1) {
      const response = await fetch(route(), { method: "POST", headers: admin });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ desired: "running", running: true, confirmed: true });
    }
    const delta = await watcher.waitFor("odds:delta", (d) => d.seq > seq && d.changes.some((c) => c.path === "score.home" && c.value === 42));
    expect(delta.prevSeq).toBe(delta.seq - 1);
    await watcher.waitFor("feed:status", (s) => s.status === "live");
  });

  it("POST validates its body and applies a new interval", async () => {
    const bad = await fetch(route(), { method: "POST", headers: admin, body: "{oops" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "invalid_request" } });
    const tooFast = await fetch(route(), { method: "POST", headers: admin, body: JSON.stringify({ intervalMs: 1 }) });
    expect(tooFast.status).toBe(400);
    const slower = await fetch(route(), { method: "POST", headers: admin, body: JSON.stringify({ intervalMs: 250 }) });
    expect(await slower.json()).toMatchObject({ running: true, intervalMs: 250, confirmed: true });
  });

  it("refuses bodies over the limit with 413, without reading them whole", async () => {
    const declared = await fetch(route(), {
      method: "POST",
      headers: { ...admin, "content-type": "application/json" },
      body: JSON.stringify({ intervalMs: 500, pad: "x".repeat(4_000) }),
    });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ error: { code: "payload_too_large" } });
    // 200 MB streamed without a length: the route answers at the limit, long before the end.
    const streamed = await streamUntilAnswered(route(), admin, 200 * 1024 * 1024);
    expect([413, 0]).toContain(streamed.status); // answered 413, or hung up before the answer could be read
    expect(streamed.sent).toBeLessThan(50 * 1024 * 1024);
    expect((await fetch(route())).status).toBe(200); // and the server is none the worse for it
    const token = await fetch(`${stack.web.url}/api/auth/relay-token`, {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ sub: "x".repeat(2_000), role: "user" }),
    });
    expect(token.status).toBe(413);
    expect((await status()).intervalMs).toBe(250); // nothing was applied
  });

  it("an admin's stop survives Redis losing everything", async () => {
    expect((await fetch(route(), { method: "DELETE", headers: admin })).status).toBe(200);
    await redis.flushall();
    // Once the leader has sent two heartbeats after the flush, it has read its decision again.
    expect((await heartbeats(2)).map((h) => h.status)).toEqual(["stopped", "stopped"]);
    expect(await status()).toMatchObject({ desired: "stopped", running: false, health: { status: "stopped" } });
    expect(await redis.exists(KEYS.sportSeq("soccer_epl"))).toBe(0); // nothing was republished
    const started = await fetch(route(), { method: "POST", headers: admin });
    expect(await started.json()).toMatchObject({ desired: "running", running: true, confirmed: true, intervalMs: 250 });
    await until(async () => (await redis.exists(KEYS.sportSeq("soccer_epl"))) === 1, 20_000, "soccer_epl republished");
  });

  it("GET /api/sports lists sports with their board event counts", async () => {
    const body = (await (await fetch(`${stack.web.url}/api/sports`)).json()) as { sports: { key: string; activeEvents: number; liveEvents: number }[] };
    expect(body.sports.map((s) => s.key).sort()).toEqual(["americanfootball_nfl", "basketball_nba", "esports", "icehockey_nhl", "soccer_epl"]);
    for (const sport of body.sports) expect(sport).toMatchObject({ activeEvents: 12, liveEvents: 2 });
  });

  it("answers 503 with a clear error while Redis is down, and recovers", async () => {
    await stack.redis.halt();
    try {
      const response = await fetch(route());
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ error: { code: "unavailable", message: expect.stringContaining("Redis") } });
    } finally {
      await stack.redis.restart();
    }
    await until(async () => (await fetch(route())).status === 200, 20_000, "status route back");
  });
});

/**
 * POSTs up to `total` bytes in 64 KiB chunks, without a Content-Length, and stops as soon as the
 * server answers or hangs up. Returns the status (0 when the server cut the connection before its
 * answer could be read) and how many bytes had been handed to the socket by then.
 */
function streamUntilAnswered(url: string, headers: Record<string, string>, total: number): Promise<{ status: number; sent: number }> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    let done = false;
    const finish = (status: number) => {
      if (done) return;
      done = true;
      resolve({ status, sent });
      req.destroy();
    };
    const req = httpRequest(url, { method: "POST", headers: { ...headers, "transfer-encoding": "chunked" } }, (res) => {
      res.resume();
      finish(res.statusCode ?? 0);
    });
    // Answering 413 the server closes at once; writing on can then fail before the answer is read.
    // Only that counts: any other error fails the test.
    req.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE" || error.code === "ECONNRESET") setTimeout(() => finish(0), 200);
      else if (!done) reject(error);
    });
    const pump = () => {
      while (!done && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      if (!done) req.end();
    };
    pump();
  });
}

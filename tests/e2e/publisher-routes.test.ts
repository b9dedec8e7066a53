import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { KEYS } from "../../lib/protocol";
import type { PublisherStatus } from "../../lib/publisher/control";
import { type TestClient, connectClient } from "../support/client";
import { type FullStack, startFullStack, until } from "../support/full-stack";
import { TEST_ADMIN_TOKEN } from "../support/stack";

/** POST/DELETE/GET /api/sports/ws-publisher and GET /api/sports over real HTTP on `next start`. */
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

  afterAll(async () => {
    watcher?.close();
    redis?.disconnect();
    await stack?.stop();
  });

  it("GET reports a running publisher from real counters", async () => {
    await until(async () => (await status()).published.ticks > 5);
    const current = await status();
    expect(current).toMatchObject({ desired: "running", running: true, intervalMs: 100, leader: { instanceId: expect.any(String) } });
    expect(current.lastTick?.ageMs).toBeLessThan(5_000);
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
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(Number(await redis.get(KEYS.sportSeq("soccer_epl")))).toBe(seq);
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

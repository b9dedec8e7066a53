import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type BreakerState, type Endpoint, type OddsApi, OddsApiError, type OddsApiEvents } from "../../lib/feed/odds-api/api";
import { createOddsApiClient, type OddsApiClientOptions } from "../../lib/feed/odds-api/client";
import { type FakeOddsApi, startFakeOddsApi } from "../../lib/feed/odds-api/fake/server";
import { ApiOdds } from "../../lib/feed/odds-api/schemas";

// The client against a local fake of The Odds API (no Postgres or Redis needed). Timings are
// small so failures are quick; assertions wait for states and counts, never for time to pass.

const API_KEY = "test-key-7f3a9c1e5b";
const REGIONS = ["us", "uk", "eu"];
const MARKETS = ["h2h", "spreads", "totals"];

let fake: FakeOddsApi;
let logLines: string[];
let breakerChanges: [Endpoint, BreakerState][];
let malformed: [Endpoint, string][];
let stoppedEvents: [string, string][];

function client(overrides: Partial<OddsApiClientOptions> = {}): OddsApi {
  const log = pino({ level: "debug" }, { write: (line: string) => void logLines.push(line) });
  const events: OddsApiEvents = {
    breaker: (endpoint, state) => void breakerChanges.push([endpoint, state]),
    malformed: (endpoint, problem) => void malformed.push([endpoint, problem]),
    stopped: (code, message) => void stoppedEvents.push([code, message]),
  };
  return createOddsApiClient({
    baseUrl: fake.url,
    apiKey: API_KEY,
    regions: REGIONS,
    markets: MARKETS,
    timeoutMs: 300,
    log,
    events,
    retry: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 30 },
    breaker: { consecutiveFailures: 3, halfOpenAfterMs: 200 },
    ...overrides,
  });
}

async function failure(promise: Promise<unknown>): Promise<OddsApiError> {
  const error = await promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OddsApiError);
  return error as OddsApiError;
}

const oddsCalls = () => fake.control.stats().byEndpoint.odds?.calls ?? 0;

beforeEach(async () => {
  fake = await startFakeOddsApi({ apiKey: API_KEY, seed: 7, holdMs: 30_000 });
  logLines = [];
  breakerChanges = [];
  malformed = [];
  stoppedEvents = [];
});

afterEach(async () => {
  await fake.stop();
  // The key must never reach a log line, whatever the test did.
  for (const line of logLines) expect(line).not.toContain(API_KEY);
});

describe("The Odds API client against the fake", () => {
  it("returns validated odds with the usage headers, and the fake charges markets × regions", async () => {
    const usage: unknown[] = [];
    const api = client({ events: { usage: (u, endpoint) => void usage.push([endpoint, u]) } });
    const answer = await api.odds("soccer_epl");
    expect(ApiOdds.safeParse(answer.data).success).toBe(true);
    expect(answer.data.length).toBeGreaterThanOrEqual(6);
    const book = answer.data[0]?.bookmakers.find((b) => b.key === "pinnacle");
    expect(book?.markets.find((m) => m.key === "h2h")?.outcomes.map((o) => o.name)).toContain("Draw");
    expect(answer.usage).toEqual({ remaining: 20_000 - 9, used: 9, last: 9 });
    expect(usage).toEqual([["odds", answer.usage]]);
    expect(fake.control.stats()).toMatchObject({ used: 9, bySport: { soccer_epl: { odds: { calls: 1, credits: 9 } } } });
  });

  it("sees a price set through the control", async () => {
    const api = client();
    const event = fake.control.events("basketball_nba").find((e) => !e.completed);
    if (!event) throw new Error("no open NBA event");
    fake.control.move({ eventId: event.id, bookmaker: "fanduel", market: "h2h", outcome: event.home, price: 3.25 });
    const answer = await api.odds("basketball_nba");
    const fanduel = answer.data.find((e) => e.id === event.id)?.bookmakers.find((b) => b.key === "fanduel");
    expect(fanduel?.markets.find((m) => m.key === "h2h")?.outcomes.find((o) => o.name === event.home)?.price).toBe(3.25);
  });

  it("waits out a 429's Retry-After without calling, then resumes", async () => {
    let now = Date.parse("2026-03-01T12:00:00Z");
    const api = client({ now: () => now });
    fake.control.fault({ mode: "rate_limit", count: 1, retryAfterSec: 30 });
    const limited = await failure(api.odds("soccer_epl"));
    expect(limited).toMatchObject({ kind: "rate_limited", details: { status: 429, code: "EXCEEDED_FREQ_LIMIT", retryAfterMs: 30_000 } });
    expect(api.blockedUntil()).toBe(now + 30_000);
    expect(oddsCalls()).toBe(1); // not retried
    expect((await failure(api.odds("soccer_epl"))).kind).toBe("blocked");
    expect((await failure(api.scores("soccer_epl"))).kind).toBe("blocked");
    expect(fake.control.stats().calls).toBe(1);
    now += 30_000;
    expect(api.blockedUntil()).toBe(0);
    await api.odds("soccer_epl");
    expect(oddsCalls()).toBe(2);
  });

  it("backs off by itself after a 429 without Retry-After", async () => {
    let now = 1_000_000;
    const api = client({ now: () => now });
    fake.control.fault({ mode: "rate_limit", count: 1 });
    expect((await failure(api.odds("soccer_epl"))).kind).toBe("rate_limited");
    expect(api.blockedUntil()).toBeGreaterThan(now);
    expect((await failure(api.odds("soccer_epl"))).kind).toBe("blocked");
    now = api.blockedUntil();
    await api.odds("soccer_epl");
    expect(oddsCalls()).toBe(2);
  });

  it("retries a 5xx, then fails as upstream", async () => {
    const api = client();
    fake.control.fault({ mode: "server_error" });
    const error = await failure(api.odds("soccer_epl"));
    expect(error).toMatchObject({ kind: "upstream", details: { status: 500 } });
    expect(oddsCalls()).toBe(3);
  });

  it("recovers within the retries when the 5xx passes", async () => {
    const api = client();
    fake.control.fault({ mode: "server_error", count: 2 });
    const answer = await api.odds("soccer_epl");
    expect(answer.data.length).toBeGreaterThan(0);
    expect(oddsCalls()).toBe(3);
  });

  it("opens the breaker after repeated failures, half-opens after its time and closes on success", async () => {
    const api = client({ retry: { maxAttempts: 1, initialDelayMs: 10, maxDelayMs: 10 } });
    fake.control.fault({ mode: "server_error" });
    for (let i = 0; i < 3; i++) expect((await failure(api.odds("soccer_epl"))).kind).toBe("upstream");
    expect(api.breakers().odds).toBe("open");
    expect(api.breakers().scores).toBe("closed");
    expect((await failure(api.odds("soccer_epl"))).kind).toBe("breaker_open");
    expect(oddsCalls()).toBe(3);
    // Other endpoints have their own breaker.
    fake.control.fault({ mode: "none" });
    await api.scores("soccer_epl");
    // Once halfOpenAfterMs has passed, one test call goes through and closes the breaker.
    await vi.waitFor(
      async () => {
        await api.odds("soccer_epl");
      },
      { timeout: 5_000, interval: 50 },
    );
    expect(oddsCalls()).toBe(4);
    expect(api.breakers().odds).toBe("closed");
    expect(breakerChanges).toEqual([
      ["odds", "open"],
      ["odds", "half_open"],
      ["odds", "closed"],
    ]);
  });

  it("reopens the breaker when the half-open test call fails", async () => {
    const api = client({ retry: { maxAttempts: 1, initialDelayMs: 10, maxDelayMs: 10 } });
    fake.control.fault({ mode: "server_error" });
    for (let i = 0; i < 3; i++) await failure(api.odds("soccer_epl"));
    await vi.waitFor(async () => expect((await failure(api.odds("soccer_epl"))).kind).toBe("upstream"), { timeout: 5_000, interval: 50 });
    expect(api.breakers().odds).toBe("open");
    expect(oddsCalls()).toBe(4);
    expect(breakerChanges.map(([, state]) => state)).toEqual(["open", "half_open", "open"]);
  });

  it("times out, retries, and fails as timeout", async () => {
    const api = client({ timeoutMs: 150 });
    fake.control.fault({ mode: "timeout" });
    const error = await failure(api.events("icehockey_nhl"));
    expect(error.kind).toBe("timeout");
    expect(fake.control.stats().byEndpoint.events?.calls).toBe(3);
  });

  it("drops a malformed body, tells events.malformed and logs it once", async () => {
    const api = client();
    fake.control.fault({ mode: "malformed", count: 2 });
    const first = await failure(api.odds("soccer_epl"));
    expect(first.kind).toBe("malformed");
    expect(first.details.usage).toMatchObject({ last: 0 });
    await failure(api.odds("soccer_epl"));
    expect(oddsCalls()).toBe(2); // not retried
    expect(malformed).toHaveLength(2);
    expect(malformed[0]?.[0]).toBe("odds");
    expect(logLines.filter((line) => line.includes("malformed"))).toHaveLength(1);
    expect((await api.odds("soccer_epl")).data.length).toBeGreaterThan(0);
  });

  it("stops for good on out of credits, with no further calls", async () => {
    const api = client();
    fake.control.fault({ mode: "out_of_credits", count: 1 });
    const error = await failure(api.odds("soccer_epl"));
    expect(error).toMatchObject({ kind: "unauthorized", details: { status: 401, code: "OUT_OF_USAGE_CREDITS" } });
    expect(api.stopped()).toMatchObject({ code: "OUT_OF_USAGE_CREDITS" });
    expect(stoppedEvents.map(([code]) => code)).toEqual(["OUT_OF_USAGE_CREDITS"]);
    for (const call of [api.odds("soccer_epl"), api.sports(), api.scores("soccer_epl", 1)]) expect((await failure(call)).kind).toBe("blocked");
    expect(fake.control.stats().calls).toBe(1);
    expect(stoppedEvents).toHaveLength(1);
  });

  it("stops when the budget runs out for real", async () => {
    await fake.stop();
    fake = await startFakeOddsApi({ apiKey: API_KEY, seed: 7, monthlyCredits: 10 });
    const api = client();
    expect((await api.odds("soccer_epl")).usage).toMatchObject({ remaining: 1 });
    expect((await failure(api.odds("soccer_epl"))).details.code).toBe("OUT_OF_USAGE_CREDITS");
    expect(api.stopped()?.code).toBe("OUT_OF_USAGE_CREDITS");
  });

  it("stops on an invalid key, and never shows the key", async () => {
    const api = client({ apiKey: "wrong-key-0000000000" });
    const error = await failure(api.odds("soccer_epl"));
    expect(error).toMatchObject({ kind: "unauthorized", details: { code: "INVALID_KEY" } });
    expect((await failure(api.events("soccer_epl"))).kind).toBe("blocked");
    expect(fake.control.stats().calls).toBe(1);
    expect(api.stopped()?.code).toBe("INVALID_KEY");
    expect(logLines.some((line) => line.includes("wrong-key-0000000000"))).toBe(false);
  });

  it("reports an unknown sport as a bad request, not retried", async () => {
    const api = client();
    const error = await failure(api.odds("curling_world"));
    expect(error).toMatchObject({ kind: "bad_request", details: { status: 404, code: "UNKNOWN_SPORT" } });
    expect(fake.control.stats().calls).toBe(1);
    expect(api.breakers().odds).toBe("closed");
  });

  it("charges scores 1, or 2 with daysFrom, and sports and events nothing", async () => {
    const api = client();
    expect((await api.sports()).usage?.last).toBe(0);
    expect((await api.events("americanfootball_nfl")).usage?.last).toBe(0);
    expect((await api.scores("americanfootball_nfl")).usage?.last).toBe(1);
    const withCompleted = await api.scores("americanfootball_nfl", 1);
    expect(withCompleted.usage).toMatchObject({ last: 2, used: 3 });
    expect(withCompleted.data.some((e) => e.completed)).toBe(true);
    const event = fake.control.events("americanfootball_nfl").find((e) => e.live);
    if (!event) throw new Error("no live NFL event");
    fake.control.complete(event.id);
    const after = await api.scores("americanfootball_nfl", 1);
    expect(after.data.find((e) => e.id === event.id)?.completed).toBe(true);
  });

  it("keeps the key out of every error message", async () => {
    const api = client();
    const errors: OddsApiError[] = [];
    for (const mode of ["server_error", "malformed", "rate_limit"] as const) {
      fake.control.fault({ mode, count: 3 });
      errors.push(await failure(api.odds("soccer_epl")));
    }
    await fake.stop();
    const offline = client({ retry: { maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 1 } });
    errors.push(await failure(offline.odds("soccer_epl")));
    fake = await startFakeOddsApi({ apiKey: API_KEY });
    for (const error of errors) {
      expect(error.message).not.toContain(API_KEY);
      expect(String(error.stack)).not.toContain(API_KEY);
    }
  });
});

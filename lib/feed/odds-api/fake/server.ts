import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { ClockRequest, CompleteRequest, type FakeControl, FaultRequest, MoveRequest, ScoreRequest } from "./control";
import { ControlError, FakeState } from "./state";
import { answer, route } from "./v4";

export interface FakeOddsApiOptions {
  /** 0 (default): a free port. */
  port?: number;
  host?: string;
  /** The only key the fake accepts. */
  apiKey?: string;
  /** Same seed and clock, same events and prices. */
  seed?: number;
  now?: () => number;
  /** Credits in the period (a plan's monthly quota); default 20 000. */
  monthlyCredits?: number;
  /** How often each bookmaker moves its prices, ms; default 20 s. */
  driftMs?: number;
  /** How long a "timeout" fault holds a request before dropping it, ms; default 60 s. */
  holdMs?: number;
}

export interface FakeOddsApi {
  url: string;
  port: number;
  apiKey: string;
  control: FakeControl;
  /** Drops held requests and open connections, then closes the listener. */
  stop(): Promise<void>;
}

export const DEFAULT_FAKE_KEY = "fake-odds-api-key";

/** A local The Odds API v4 with usage accounting, fault injection and a control API (docs/odds-source.md). */
export async function startFakeOddsApi(options: FakeOddsApiOptions = {}): Promise<FakeOddsApi> {
  const apiKey = options.apiKey ?? DEFAULT_FAKE_KEY;
  const state = new FakeState({
    seed: options.seed ?? 1,
    now: options.now,
    monthlyCredits: options.monthlyCredits ?? 20_000,
    driftMs: options.driftMs ?? 20_000,
  });
  const held = new Set<ServerResponse>();
  const holdMs = options.holdMs ?? 60_000;

  const hold = (response: ServerResponse) => {
    held.add(response);
    const timer = setTimeout(() => response.socket?.destroy(), holdMs);
    response.on("close", () => {
      clearTimeout(timer);
      held.delete(response);
    });
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://fake");
    if (url.pathname.startsWith("/__fake/")) {
      void control(state, request, response, url.pathname.slice("/__fake/".length));
      return;
    }
    serveV4(state, apiKey, url, response, hold);
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${options.host ?? "127.0.0.1"}:${port}`,
    port,
    apiKey,
    control: state,
    stop: async () => {
      for (const response of held) response.socket?.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  response.end(typeof body === "string" ? body : JSON.stringify(body));
}

function usageHeaders(state: FakeState, last: number): Record<string, string> {
  return { "x-requests-remaining": String(state.remaining), "x-requests-used": String(state.used), "x-requests-last": String(last) };
}

const apiError = (error_code: string, message: string) => ({ message, error_code });

/** One /v4 request: count it, apply the fault in force, check the key and the credits, answer. */
function serveV4(state: FakeState, apiKey: string, url: URL, response: ServerResponse, hold: (r: ServerResponse) => void) {
  const target = route(url.pathname);
  if (!target) return send(response, 404, apiError("NOT_FOUND", "Not found"));
  state.record(target.endpoint, target.sport, 0, true);
  const fault = state.takeFault();
  if (fault) return serveFault(state, fault, response, hold);
  const key = url.searchParams.get("apiKey");
  if (!key) return send(response, 401, apiError("MISSING_KEY", "API key is missing"), usageHeaders(state, 0));
  if (key !== apiKey) return send(response, 401, apiError("INVALID_KEY", "API key is not valid"), usageHeaders(state, 0));
  const result = answer(state, target.endpoint, target.sport, url.searchParams);
  if (result.status !== 200) return send(response, result.status, result.body, usageHeaders(state, 0));
  if (result.cost > state.remaining) {
    return send(response, 401, apiError("OUT_OF_USAGE_CREDITS", "Usage quota has been reached"), usageHeaders(state, 0));
  }
  state.used += result.cost;
  state.record(target.endpoint, target.sport, result.cost, false);
  send(response, 200, result.body, usageHeaders(state, result.cost));
}

function serveFault(state: FakeState, fault: FaultRequest, response: ServerResponse, hold: (r: ServerResponse) => void) {
  const headers = usageHeaders(state, 0);
  switch (fault.mode) {
    case "rate_limit": {
      const retryAfter: Record<string, string> = fault.retryAfterSec === undefined ? {} : { "retry-after": String(fault.retryAfterSec) };
      return send(response, 429, apiError("EXCEEDED_FREQ_LIMIT", "Too many requests, slow down"), { ...headers, ...retryAfter });
    }
    case "server_error":
      return send(response, 500, apiError("INTERNAL_ERROR", "Internal server error"), headers);
    case "malformed":
      return send(response, 200, '[{"id": "truncated', headers);
    case "out_of_credits":
      return send(response, 401, apiError("OUT_OF_USAGE_CREDITS", "Usage quota has been reached"), headers);
    case "invalid_key":
      return send(response, 401, apiError("INVALID_KEY", "API key is not valid"), headers);
    case "timeout":
      return hold(response);
    case "none":
      return;
  }
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  let text = "";
  for await (const chunk of request) {
    text += chunk;
    if (text.length > 100_000) throw new ControlError("body too large");
  }
  try {
    return text === "" ? {} : JSON.parse(text);
  } catch {
    throw new ControlError("body is not JSON");
  }
}

/** The control routes: every body validated, each one a call on the same FakeControl tests use. */
async function control(state: FakeState, request: IncomingMessage, response: ServerResponse, name: string) {
  try {
    if (request.method === "GET" && name === "stats") return send(response, 200, state.stats());
    if (request.method === "GET" && name === "events") return send(response, 200, state.events());
    if (request.method !== "POST") return send(response, 404, { error: `no ${request.method} /__fake/${name}` });
    const body = await readJson(request);
    const actions: Record<string, () => void> = {
      faults: () => state.fault(FaultRequest.parse(body)),
      move: () => state.move(MoveRequest.parse(body)),
      score: () => state.score(ScoreRequest.parse(body)),
      complete: () => state.complete(CompleteRequest.parse(body).eventId),
      clock: () => state.clock(ClockRequest.parse(body).nowMs),
      reset: () => state.reset(),
    };
    const action = actions[name];
    if (!action) return send(response, 404, { error: `no POST /__fake/${name}` });
    action();
    send(response, 200, { ok: true });
  } catch (error) {
    if (error instanceof z.ZodError) return send(response, 400, { error: z.prettifyError(error) });
    if (error instanceof ControlError) return send(response, 404, { error: error.message });
    send(response, 500, { error: "control failed" });
  }
}

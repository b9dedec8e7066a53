import { describe, expect, it } from "vitest";
import { StartupError } from "./errors";
import { parseEnv, publisherMetricsAddress, relayUrl } from "./env";
import { MARKET_KEYS } from "./feed/odds-api/outcomes";
import { MARGIN_METHODS } from "./odds";

const base = { DATABASE_URL: "postgresql://u@h:5432/d", REDIS_URL: "redis://h:6379" };

describe("parseEnv", () => {
  it("applies documented defaults", () => {
    expect(parseEnv(base)).toMatchObject({ PUBLISHER_INTERVAL_MS: 500, PUBLISHER_AUTOSTART: true, HOUSE_MARGIN: 0.05, SIMULATOR_ENABLED: true });
    expect(parseEnv({ ...base, PUBLISHER_AUTOSTART: "false", SIMULATOR_ENABLED: "0" })).toMatchObject({ PUBLISHER_AUTOSTART: false, SIMULATOR_ENABLED: false });
  });

  it("lists every bad variable in one error", () => {
    try {
      parseEnv({ DATABASE_URL: "mysql://x", PUBLISHER_INTERVAL_MS: "10", ADMIN_TOKEN: "short" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(StartupError);
      const message = (error as Error).message;
      expect(message).toContain("DATABASE_URL: must be a URL starting with postgres:// or postgresql://");
      expect(message).toContain("REDIS_URL: is not set");
      expect(message).toContain("PUBLISHER_INTERVAL_MS:");
      expect(message).toContain("ADMIN_TOKEN: must be at least 16 characters");
    }
  });

  it("reaches the relay on this host at RELAY_PORT unless RELAY_URL says otherwise", () => {
    expect(relayUrl(parseEnv({ ...base, RELAY_PORT: "4001" }))).toBe("http://127.0.0.1:4001");
    expect(relayUrl(parseEnv({ ...base, RELAY_URL: "http://relay.internal:3001/" }))).toBe("http://relay.internal:3001");
    expect(() => parseEnv({ ...base, RELAY_URL: "ws://relay" })).toThrow(/RELAY_URL/);
  });

  it("serves publisher metrics nowhere by default, else on the port plus the PM2 instance index", () => {
    expect(publisherMetricsAddress(parseEnv(base))).toBeNull();
    expect(publisherMetricsAddress(parseEnv({ ...base, PUBLISHER_METRICS_PORT: "9464" }))).toEqual({ host: "127.0.0.1", port: 9464 });
    expect(publisherMetricsAddress(parseEnv({ ...base, PUBLISHER_METRICS_PORT: "9464", NODE_APP_INSTANCE: "1", PUBLISHER_METRICS_HOST: "0.0.0.0" }))).toEqual({
      host: "0.0.0.0",
      port: 9465,
    });
    expect(publisherMetricsAddress(parseEnv({ ...base, PUBLISHER_METRICS_PORT: "0", NODE_APP_INSTANCE: "3" }))).toBeNull();
    expect(() => parseEnv({ ...base, PUBLISHER_METRICS_PORT: "http" })).toThrow(/PUBLISHER_METRICS_PORT/);
    expect(() => parseEnv({ ...base, PUBLISHER_METRICS_PORT: "70000" })).toThrow(/PUBLISHER_METRICS_PORT/);
    expect(() => publisherMetricsAddress(parseEnv({ ...base, PUBLISHER_METRICS_PORT: "65535", NODE_APP_INSTANCE: "1" }))).toThrow(StartupError);
  });

  it("refuses a LOG_LEVEL or LOG_FORMAT it does not know, listed with the other bad variables", () => {
    expect(parseEnv({ ...base, LOG_LEVEL: "debug", LOG_FORMAT: "json" })).toMatchObject({ LOG_LEVEL: "debug", LOG_FORMAT: "json" });
    expect(() => parseEnv({ ...base, LOG_FORMAT: "JSON", LOG_LEVEL: "loud", PUBLISHER_INTERVAL_MS: "fast" })).toThrow(
      /LOG_LEVEL: must be one of silent, trace, debug, info, warn, error, fatal\n[\s\S]*LOG_FORMAT: must be one of pretty, json\n[\s\S]*PUBLISHER_INTERVAL_MS:/,
    );
  });

  it("takes every margin method and market the pricing and the poller know, and names them when refusing", () => {
    for (const method of MARGIN_METHODS) expect(parseEnv({ ...base, MARGIN_METHOD: method }).MARGIN_METHOD).toBe(method);
    expect(() => parseEnv({ ...base, MARGIN_METHOD: "proportional" })).toThrow(`MARGIN_METHOD: must be one of ${MARGIN_METHODS.join(", ")}`);
    expect(parseEnv({ ...base, ODDS_API_MARKETS: MARKET_KEYS.join(",") }).ODDS_API_MARKETS).toEqual([...MARKET_KEYS]);
    expect(() => parseEnv({ ...base, ODDS_API_MARKETS: "h2h,corners" })).toThrow(/ODDS_API_MARKETS: each key must be one of h2h, spreads, totals/);
  });

  it("names the publisher hostname:pid, or PUBLISHER_INSTANCE_ID, with PM2's instance number appended", () => {
    expect(parseEnv(base).PUBLISHER_INSTANCE_ID).toMatch(new RegExp(`:${process.pid}$`));
    expect(parseEnv({ ...base, PUBLISHER_INSTANCE_ID: "vps1" }).PUBLISHER_INSTANCE_ID).toBe("vps1");
    expect(["0", "1"].map((n) => parseEnv({ ...base, PUBLISHER_INSTANCE_ID: "vps1", NODE_APP_INSTANCE: n }).PUBLISHER_INSTANCE_ID)).toEqual([
      "vps1#0",
      "vps1#1",
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { StartupError } from "./errors";
import { parseEnv, publisherMetricsAddress, relayUrl } from "./env";

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
    expect(publisherMetricsAddress(parseEnv({ ...base, PUBLISHER_METRICS_PORT: "9464", NODE_APP_INSTANCE: "1", PUBLISHER_METRICS_HOST: "0.0.0.0" }))).toEqual({ host: "0.0.0.0", port: 9465 });
    expect(publisherMetricsAddress(parseEnv({ ...base, PUBLISHER_METRICS_PORT: "0", NODE_APP_INSTANCE: "3" }))).toBeNull();
    expect(() => parseEnv({ ...base, PUBLISHER_METRICS_PORT: "http" })).toThrow(/PUBLISHER_METRICS_PORT/);
    expect(() => parseEnv({ ...base, PUBLISHER_METRICS_PORT: "70000" })).toThrow(/PUBLISHER_METRICS_PORT/);
    expect(() => publisherMetricsAddress(parseEnv({ ...base, PUBLISHER_METRICS_PORT: "65535", NODE_APP_INSTANCE: "1" }))).toThrow(StartupError);
  });
});

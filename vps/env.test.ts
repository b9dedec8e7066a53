import { describe, expect, it } from "vitest";
import { parseRelayEnv } from "./env";

describe("parseRelayEnv: connection limits", () => {
  const base = { REDIS_URL: "redis://127.0.0.1:6379" };

  it("defaults to 10000 per process, 50 per address, proxy headers not trusted", () => {
    expect(parseRelayEnv(base)).toMatchObject({ RELAY_MAX_CONNECTIONS: 10_000, RELAY_MAX_CONNECTIONS_PER_IP: 50, RELAY_TRUST_PROXY: false });
    expect(parseRelayEnv({ ...base, RELAY_MAX_CONNECTIONS: "5", RELAY_MAX_CONNECTIONS_PER_IP: "3", RELAY_TRUST_PROXY: "yes" })).toMatchObject({
      RELAY_MAX_CONNECTIONS: 5,
      RELAY_MAX_CONNECTIONS_PER_IP: 3,
      RELAY_TRUST_PROXY: true,
    });
  });

  it("names every bad limit at once instead of starting with a silent default", () => {
    const bad = () => parseRelayEnv({ ...base, RELAY_MAX_CONNECTIONS: "0", RELAY_MAX_CONNECTIONS_PER_IP: "lots", RELAY_TRUST_PROXY: "maybe" });
    expect(bad).toThrow(/RELAY_MAX_CONNECTIONS:[\s\S]*RELAY_MAX_CONNECTIONS_PER_IP:[\s\S]*RELAY_TRUST_PROXY:/);
  });
});

describe("parseRelayEnv: slow consumers", () => {
  const base = { REDIS_URL: "redis://127.0.0.1:6379" };

  it("defaults to a 256 KiB soft and 4 MiB hard limit, 30 s behind at most, 5 s to close, stats every 5 s", () => {
    expect(parseRelayEnv(base)).toMatchObject({
      RELAY_SLOW_SOFT_BYTES: 262_144,
      RELAY_SLOW_HARD_BYTES: 4_194_304,
      RELAY_SLOW_MAX_MS: 30_000,
      RELAY_SLOW_GRACE_MS: 5_000,
      RELAY_STATS_INTERVAL_MS: 5_000,
    });
  });

  it("refuses a hard limit that is not above the soft one, and names it", () => {
    expect(() => parseRelayEnv({ ...base, RELAY_SLOW_SOFT_BYTES: "1048576", RELAY_SLOW_HARD_BYTES: "1048576" })).toThrow(/RELAY_SLOW_HARD_BYTES: must be larger than RELAY_SLOW_SOFT_BYTES/);
    expect(() => parseRelayEnv({ ...base, RELAY_SLOW_MAX_MS: "soon", RELAY_STATS_INTERVAL_MS: "10" })).toThrow(/RELAY_SLOW_MAX_MS:[\s\S]*RELAY_STATS_INTERVAL_MS:/);
  });
});

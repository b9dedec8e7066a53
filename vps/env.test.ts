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

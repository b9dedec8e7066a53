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

describe("parseRelayEnv: instance id", () => {
  const base = { REDIS_URL: "redis://127.0.0.1:6379" };

  it("is hostname:pid by default, or the given name", () => {
    expect(parseRelayEnv(base).RELAY_INSTANCE_ID).toMatch(new RegExp(`:${process.pid}$`));
    expect(parseRelayEnv({ ...base, RELAY_INSTANCE_ID: "vps1" }).RELAY_INSTANCE_ID).toBe("vps1");
  });

  it("appends PM2's instance number, so instances sharing one environment never share a name", () => {
    const ids = ["0", "1"].map((n) => parseRelayEnv({ ...base, RELAY_INSTANCE_ID: "vps1", NODE_APP_INSTANCE: n }).RELAY_INSTANCE_ID);
    expect(ids).toEqual(["vps1#0", "vps1#1"]);
    expect(parseRelayEnv({ ...base, NODE_APP_INSTANCE: "1" }).RELAY_INSTANCE_ID).toMatch(new RegExp(`:${process.pid}#1$`));
    expect(() => parseRelayEnv({ ...base, NODE_APP_INSTANCE: "one" })).toThrow(/NODE_APP_INSTANCE/);
  });
});

describe("parseRelayEnv: port", () => {
  const base = { REDIS_URL: "redis://127.0.0.1:6379" };

  it("listens on 3001 by default, and on any free port with 0", () => {
    expect(parseRelayEnv(base).RELAY_PORT).toBe(3001);
    expect(parseRelayEnv({ ...base, RELAY_PORT: "0" }).RELAY_PORT).toBe(0);
    expect(() => parseRelayEnv({ ...base, RELAY_PORT: "65536" })).toThrow("RELAY_PORT: must be a port from 1 to 65535, or 0 (any free port)");
  });
});

describe("parseRelayEnv: compression", () => {
  const base = { REDIS_URL: "redis://127.0.0.1:6379" };

  it("is off by default; when on, a 4 KiB window with context takeover and messages from 1 KiB", () => {
    expect(parseRelayEnv(base)).toMatchObject({
      RELAY_COMPRESSION: false,
      RELAY_COMPRESSION_THRESHOLD_BYTES: 1024,
      RELAY_COMPRESSION_WINDOW_BITS: 12,
      RELAY_COMPRESSION_MEM_LEVEL: 4,
      RELAY_COMPRESSION_LEVEL: 6,
      RELAY_COMPRESSION_CONTEXT_TAKEOVER: true,
    });
  });

  it("reads every setting, and on/off as the flag parser does", () => {
    const env = parseRelayEnv({
      ...base,
      RELAY_COMPRESSION: "on",
      RELAY_COMPRESSION_THRESHOLD_BYTES: "0",
      RELAY_COMPRESSION_WINDOW_BITS: "15",
      RELAY_COMPRESSION_MEM_LEVEL: "9",
      RELAY_COMPRESSION_LEVEL: "1",
      RELAY_COMPRESSION_CONTEXT_TAKEOVER: "yes",
    });
    expect(env).toMatchObject({
      RELAY_COMPRESSION: true,
      RELAY_COMPRESSION_THRESHOLD_BYTES: 0,
      RELAY_COMPRESSION_WINDOW_BITS: 15,
      RELAY_COMPRESSION_MEM_LEVEL: 9,
      RELAY_COMPRESSION_LEVEL: 1,
      RELAY_COMPRESSION_CONTEXT_TAKEOVER: true,
    });
  });

  it("names every setting zlib or ws would refuse", () => {
    const bad = () =>
      parseRelayEnv({
        ...base,
        RELAY_COMPRESSION: "gzip",
        RELAY_COMPRESSION_THRESHOLD_BYTES: "-1",
        RELAY_COMPRESSION_WINDOW_BITS: "8",
        RELAY_COMPRESSION_MEM_LEVEL: "10",
        RELAY_COMPRESSION_LEVEL: "0",
        RELAY_COMPRESSION_CONTEXT_TAKEOVER: "sometimes",
      });
    expect(bad).toThrow(
      /RELAY_COMPRESSION:[\s\S]*RELAY_COMPRESSION_THRESHOLD_BYTES:[\s\S]*RELAY_COMPRESSION_WINDOW_BITS:[\s\S]*RELAY_COMPRESSION_MEM_LEVEL:[\s\S]*RELAY_COMPRESSION_LEVEL:[\s\S]*RELAY_COMPRESSION_CONTEXT_TAKEOVER:/,
    );
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
    expect(() => parseRelayEnv({ ...base, RELAY_SLOW_SOFT_BYTES: "1048576", RELAY_SLOW_HARD_BYTES: "1048576" })).toThrow(
      /RELAY_SLOW_HARD_BYTES: must be larger than RELAY_SLOW_SOFT_BYTES/,
    );
    expect(() => parseRelayEnv({ ...base, RELAY_SLOW_MAX_MS: "soon", RELAY_STATS_INTERVAL_MS: "10" })).toThrow(
      /RELAY_SLOW_MAX_MS:[\s\S]*RELAY_STATS_INTERVAL_MS:/,
    );
  });
});

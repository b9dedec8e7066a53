import type { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { createLogger } from "../lib/log";
import { RELAY_REVOCATION_TTL_MS } from "../lib/protocol";
import { Revocations } from "./revocations";

/** A Redis stand-in that holds nothing (or cannot be reached). */
function redis(values: Record<string, string> = {}, down = false): Redis {
  return {
    get: async (key: string) => {
      if (down) throw new Error("Connection is closed.");
      return values[key] ?? null;
    },
  } as unknown as Redis;
}

describe("Revocations", () => {
  it("voids tokens issued up to and including the revocation's ms, not after", () => {
    const revocations = new Revocations(redis(), createLogger("test"));
    revocations.note("u1", 1_000);
    expect(revocations.voids({ sub: "u1", iatMs: 999 })).toBe(true);
    expect(revocations.voids({ sub: "u1", iatMs: 1_000 })).toBe(true);
    expect(revocations.voids({ sub: "u1", iatMs: 1_001 })).toBe(false);
    expect(revocations.voids({ sub: "u2", iatMs: 1 })).toBe(false);
  });

  it("keeps the later of two revocations, whatever order they arrive in", () => {
    const revocations = new Revocations(redis(), createLogger("test"));
    revocations.note("u1", 2_000);
    revocations.note("u1", 1_000);
    expect(revocations.voids({ sub: "u1", iatMs: 1_500 })).toBe(true);
  });

  it("asks Redis for a revocation it has not heard of, and remembers it", async () => {
    const revocations = new Revocations(redis({ "relay-revoked:u1": "5000" }), createLogger("test"));
    expect(revocations.voids({ sub: "u1", iatMs: 4_000 })).toBe(false);
    expect(await revocations.revoked({ sub: "u1", iatMs: 4_000 })).toBe(true);
    expect(revocations.voids({ sub: "u1", iatMs: 4_000 })).toBe(true);
    expect(await revocations.revoked({ sub: "u1", iatMs: 6_000 })).toBe(false);
  });

  it("answers from what it heard when Redis is out of reach", async () => {
    const revocations = new Revocations(redis({}, true), createLogger("test"));
    revocations.note("u1", 5_000);
    expect(await revocations.revoked({ sub: "u1", iatMs: 4_000 })).toBe(true);
    expect(await revocations.revoked({ sub: "u2", iatMs: 4_000 })).toBe(false);
  });

  it("forgets a revocation once no token from before it can be accepted", () => {
    const revocations = new Revocations(redis(), createLogger("test"));
    revocations.note("u1", 1_000, 0);
    revocations.prune(RELAY_REVOCATION_TTL_MS - 1);
    expect(revocations.voids({ sub: "u1", iatMs: 500 })).toBe(true);
    revocations.prune(RELAY_REVOCATION_TTL_MS);
    expect(revocations.voids({ sub: "u1", iatMs: 500 })).toBe(false);
  });
});

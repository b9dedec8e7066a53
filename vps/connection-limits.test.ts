import { describe, expect, it } from "vitest";
import { ConnectionLimits, clientAddress } from "./connection-limits";

describe("ConnectionLimits", () => {
  it("refuses the connection over the per-address cap, names it, and admits again after a release", () => {
    const limits = new ConnectionLimits({ total: 100, perAddress: 3 });
    for (let i = 0; i < 3; i += 1) expect(limits.admit("a")).toEqual({ ok: true });
    expect(limits.admit("a")).toEqual({
      ok: false,
      reason: "address",
      code: "too_many_connections",
      message: expect.stringContaining("at most 3 connections per address"),
    });
    expect(limits.admit("b")).toEqual({ ok: true }); // other addresses are unaffected
    expect(limits.count("a")).toBe(3); // the refusal was not counted
    limits.release("a");
    expect(limits.admit("a")).toEqual({ ok: true });
  });

  it("refuses over the instance cap whatever the address", () => {
    const limits = new ConnectionLimits({ total: 2, perAddress: 5 });
    expect(limits.admit("a").ok).toBe(true);
    expect(limits.admit("b").ok).toBe(true);
    expect(limits.admit("c")).toEqual({
      ok: false,
      reason: "instance",
      code: "too_many_connections",
      message: "this relay holds its maximum of 2 connections; try again shortly",
    });
    expect(limits.count()).toBe(2);
    limits.release("b");
    expect(limits.admit("c").ok).toBe(true);
  });

  it("never counts below zero and forgets an address at zero", () => {
    const limits = new ConnectionLimits({ total: 1, perAddress: 1 });
    limits.release("never-admitted");
    expect(limits.count()).toBe(0);
    limits.admit("a");
    limits.release("a");
    limits.release("a");
    expect([limits.count(), limits.count("a"), limits.addresses()]).toEqual([0, 0, 0]);
    expect(limits.admit("b").ok).toBe(true); // a double release did not make room for two
    expect(limits.admit("c").ok).toBe(false);
  });
});

describe("clientAddress", () => {
  const handshake = (headers: Record<string, string | string[]> = {}, address = "::ffff:10.0.0.9") => ({ address, headers });

  it("ignores X-Forwarded-For unless the proxy is trusted", () => {
    expect(clientAddress(handshake({ "x-forwarded-for": "1.2.3.4" }), false)).toBe("10.0.0.9");
  });

  it("behind a trusted proxy takes the entry the proxy appended (the last), not one the client wrote", () => {
    expect(clientAddress(handshake({ "x-forwarded-for": "6.6.6.6, 203.0.113.7" }), true)).toBe("203.0.113.7");
    expect(clientAddress(handshake({ "x-forwarded-for": ["6.6.6.6", "203.0.113.8"] }), true)).toBe("203.0.113.8");
    expect(clientAddress(handshake({}), true)).toBe("10.0.0.9"); // no header: the socket's own address
  });

  it("counts an IPv6 address by its /64", () => {
    expect(clientAddress(handshake({}, "2001:db8::1"), false)).toBe("2001:db8:0:0::/64");
    expect(clientAddress(handshake({}, "2001:db8::ffff:2"), false)).toBe("2001:db8:0:0::/64");
  });
});

import { describe, expect, it } from "vitest";
import { addressBucket, clientAddress, lastForwarded, settleForwarded } from "./client-address";

describe("clientAddress", () => {
  it("without a trusted proxy is the socket's address, whatever X-Forwarded-For says", () => {
    expect(clientAddress({ socket: "203.0.113.7", forwardedFor: "198.51.100.1" }, false)).toBe("203.0.113.7");
    expect(clientAddress({ socket: "203.0.113.7", forwardedFor: undefined }, false)).toBe("203.0.113.7");
  });

  it("behind a trusted proxy is the last X-Forwarded-For entry, the one the proxy appended", () => {
    expect(clientAddress({ socket: "10.0.0.2", forwardedFor: "1.1.1.1, 2.2.2.2,203.0.113.7" }, true)).toBe("203.0.113.7");
    expect(clientAddress({ socket: "10.0.0.2", forwardedFor: ["1.1.1.1", "203.0.113.7"] }, true)).toBe("203.0.113.7");
    // A proxy that sent no header: the socket (the proxy itself) is all there is.
    expect(clientAddress({ socket: "10.0.0.2", forwardedFor: " , " }, true)).toBe("10.0.0.2");
  });

  it("counts an IPv4-mapped IPv6 address as its IPv4 address", () => {
    expect(clientAddress({ socket: "::ffff:127.0.0.1", forwardedFor: undefined }, false)).toBe("127.0.0.1");
    expect(clientAddress({ socket: "::1", forwardedFor: undefined }, false)).toBe("::1");
    expect(clientAddress({ socket: undefined, forwardedFor: undefined }, false)).toBe("unknown");
  });
});

describe("settleForwarded", () => {
  it("without a trusted proxy replaces whatever the client sent with its socket's address, and says it dropped headers", () => {
    const headers: Record<string, string | string[] | undefined> = {
      "x-forwarded-for": "198.51.100.1",
      "x-forwarded-host": "evil.example",
      "x-forwarded-proto": "https",
      host: "site",
    };
    expect(settleForwarded(headers, "::ffff:203.0.113.7", false)).toBe(true);
    expect(headers).toEqual({ "x-forwarded-for": "203.0.113.7", host: "site" });
    const plain: Record<string, string | string[] | undefined> = { host: "site" };
    expect(settleForwarded(plain, "203.0.113.7", false)).toBe(false);
    expect(plain).toEqual({ "x-forwarded-for": "203.0.113.7", host: "site" });
  });

  it("behind a trusted proxy keeps only the entry the proxy appended, and the proxy's other headers", () => {
    const headers: Record<string, string | string[] | undefined> = { "x-forwarded-for": "198.51.100.1, 203.0.113.7", "x-forwarded-proto": "https" };
    expect(settleForwarded(headers, "10.0.0.2", true)).toBe(false);
    expect(headers).toEqual({ "x-forwarded-for": "203.0.113.7", "x-forwarded-proto": "https" });
  });
});

describe("lastForwarded", () => {
  it("is the last entry of one header or of repeated ones, or null", () => {
    expect(lastForwarded("1.1.1.1, 203.0.113.7")).toBe("203.0.113.7");
    expect(lastForwarded(["1.1.1.1", "203.0.113.7 "])).toBe("203.0.113.7");
    expect(lastForwarded(" , ")).toBeNull();
    expect(lastForwarded(null)).toBeNull();
  });
});

describe("addressBucket", () => {
  it("counts an IPv6 address by its /64, whatever its other half", () => {
    expect(addressBucket("2001:db8:1:2:a:b:c:d")).toBe("2001:db8:1:2::/64");
    expect(addressBucket("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(addressBucket("2001:0db8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(addressBucket("2001:db8:1:3::1")).toBe("2001:db8:1:3::/64");
    expect(addressBucket("2001:db8::")).toBe("2001:db8:0:0::/64");
    expect(addressBucket("::1")).toBe("0:0:0:0::/64");
    expect(addressBucket("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(addressBucket("64:ff9b::198.51.100.7")).toBe("64:ff9b:0:0::/64");
    expect(addressBucket("1:2:3:4:5:6:1.2.3.4")).toBe("1:2:3:4::/64");
  });

  it("leaves IPv4, and IPv4-mapped IPv6, as the IPv4 address; anything else as it is", () => {
    expect(addressBucket("203.0.113.7")).toBe("203.0.113.7");
    expect(addressBucket("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(addressBucket("unknown")).toBe("unknown");
  });
});

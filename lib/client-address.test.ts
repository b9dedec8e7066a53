import { describe, expect, it } from "vitest";
import { clientAddress, settleForwarded } from "./client-address";

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
  it("without a trusted proxy replaces whatever the client sent with its socket's address", () => {
    const headers: Record<string, string | string[] | undefined> = { "x-forwarded-for": "198.51.100.1", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https", host: "site" };
    settleForwarded(headers, "::ffff:203.0.113.7", false);
    expect(headers).toEqual({ "x-forwarded-for": "203.0.113.7", host: "site" });
  });

  it("behind a trusted proxy keeps only the entry the proxy appended, and the proxy's other headers", () => {
    const headers: Record<string, string | string[] | undefined> = { "x-forwarded-for": "198.51.100.1, 203.0.113.7", "x-forwarded-proto": "https" };
    settleForwarded(headers, "10.0.0.2", true);
    expect(headers).toEqual({ "x-forwarded-for": "203.0.113.7", "x-forwarded-proto": "https" });
  });
});

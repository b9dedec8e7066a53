import { describe, expect, it } from "vitest";
import { type CompressionConfig, perMessageDeflate } from "./compression";

const config: CompressionConfig = { enabled: true, thresholdBytes: 1024, windowBits: 12, memLevel: 4, level: 6, contextTakeover: false };

describe("perMessageDeflate", () => {
  it("is off when compression is off, whatever the other settings", () => {
    expect(perMessageDeflate({ ...config, enabled: false })).toBe(false);
  });

  it("sets the relay's own window, context and zlib settings, and the threshold", () => {
    expect(perMessageDeflate(config)).toMatchObject({
      threshold: 1024,
      serverMaxWindowBits: 12,
      serverNoContextTakeover: true,
      zlibDeflateOptions: { level: 6, memLevel: 4 },
    });
    expect(perMessageDeflate({ ...config, contextTakeover: true })).toMatchObject({ serverNoContextTakeover: false });
  });

  it("never limits the client's window, which would refuse Firefox's bare offer", () => {
    const options = perMessageDeflate(config);
    expect(options).not.toHaveProperty("clientMaxWindowBits");
    expect(options).not.toHaveProperty("clientNoContextTakeover");
  });
});

import { afterEach, describe, expect, it, vi } from "vitest";
import { createLogger } from "./log";

describe("logger", () => {
  afterEach(() => vi.restoreAllMocks());

  // PM2 cluster mode captures output only through process.stdout.write; a logger writing to fd 1
  // directly would vanish from `pm2 logs ws-server` when RELAY_INSTANCES > 1.
  it("writes one readable line per event through process.stdout", () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    createLogger("relay").info({ port: 3001 }, "relay listening");
    expect(lines.join("")).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: relay: relay listening \{"port":3001\}\n$/);
  });
});

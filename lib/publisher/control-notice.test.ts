import { describe, expect, it } from "vitest";
import { controlNotice } from "./control-notice";

const running = (intervalMs: number) => ({ state: "running" as const, intervalMs });
const stopped = (intervalMs: number) => ({ state: "stopped" as const, intervalMs });

describe("controlNotice", () => {
  it("announces a start, with the interval it runs at", () => {
    expect(controlNotice(stopped(500), running(250), "ada@example.com")).toEqual({
      kind: "publisher_started",
      data: { intervalMs: 250, by: "ada@example.com" },
    });
  });

  it("announces a stop", () => {
    expect(controlNotice(running(500), stopped(500), "admin token")).toEqual({ kind: "publisher_stopped", data: { by: "admin token" } });
  });

  it("announces a new interval on a running publisher, with the old one", () => {
    expect(controlNotice(running(500), running(100), "admin token")).toEqual({
      kind: "publisher_interval",
      data: { intervalMs: 100, previousMs: 500, by: "admin token" },
    });
  });

  it("says nothing when nothing changed", () => {
    expect(controlNotice(running(500), running(500), "admin token")).toBeNull();
    expect(controlNotice(stopped(500), stopped(500), "admin token")).toBeNull();
    // A stopped publisher's interval is not news until it runs.
    expect(controlNotice(stopped(500), stopped(100), "admin token")).toBeNull();
  });
});

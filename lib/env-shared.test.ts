import { describe, expect, it } from "vitest";
import { instanceName, logSettings } from "./env-shared";

describe("logSettings", () => {
  it("reads LOG_LEVEL and LOG_FORMAT, info and pretty when unset", () => {
    expect(logSettings({})).toEqual({ level: "info", format: "pretty" });
    expect(logSettings({ LOG_LEVEL: "debug", LOG_FORMAT: "json" })).toEqual({ level: "debug", format: "json" });
  });

  // The logger exists before the process validates its environment, which then stops it naming the variable.
  it("takes the default for a bad value instead of failing as the modules load", () => {
    expect(logSettings({ LOG_LEVEL: "loud", LOG_FORMAT: "JSON" })).toEqual({ level: "info", format: "pretty" });
  });
});

describe("instanceName", () => {
  it("appends PM2's instance number when there is one", () => {
    expect(instanceName("vps1", undefined)).toBe("vps1");
    expect(instanceName("vps1", 0)).toBe("vps1#0");
    expect(instanceName("vps1", 2)).toBe("vps1#2");
  });
});

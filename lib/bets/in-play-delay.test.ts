import { describe, expect, it } from "vitest";
import { parseEnv } from "../env";
import { inPlayDelayMs, inPlayDelaysOf, isInPlay } from "./in-play-delay";

const base = { DATABASE_URL: "postgresql://u@h:5432/d", REDIS_URL: "redis://h:6379" };

describe("in-play delay", () => {
  const delays = { defaultMs: 5_000, bySport: { tennis: 3_000, soccer_epl: 8_000, soccer: 6_000 } };

  it("takes the sport's own key first, then its group before the first _, then the default", () => {
    expect(inPlayDelayMs(delays, "soccer_epl")).toBe(8_000);
    expect(inPlayDelayMs(delays, "soccer_uefa_champs_league")).toBe(6_000);
    expect(inPlayDelayMs(delays, "tennis_atp_wimbledon")).toBe(3_000);
    expect(inPlayDelayMs(delays, "basketball_nba")).toBe(5_000);
    expect(inPlayDelayMs(delays, "esports")).toBe(5_000);
  });

  it("does not mistake an object's own properties for sports", () => {
    expect(inPlayDelayMs(delays, "constructor")).toBe(5_000);
    expect(inPlayDelayMs(delays, "__proto__")).toBe(5_000);
  });

  it("a zero delay is a delay of zero, not a missing entry", () => {
    expect(inPlayDelayMs({ defaultMs: 5_000, bySport: { esports: 0 } }, "esports")).toBe(0);
  });

  it("defaults to Betfair's conventions: 5 s, tennis 3 s", () => {
    const config = inPlayDelaysOf(parseEnv(base));
    expect(config).toEqual({ defaultMs: 5_000, bySport: { soccer: 5_000, tennis: 3_000 } });
    expect(inPlayDelayMs(config, "tennis_wta_us_open")).toBe(3_000);
    expect(inPlayDelayMs(config, "icehockey_nhl")).toBe(5_000);
  });

  it("reads BET_INPLAY_DELAYS as key=ms pairs and names a bad one", () => {
    const config = inPlayDelaysOf(parseEnv({ ...base, BET_INPLAY_DELAY_MS: "8000", BET_INPLAY_DELAYS: " soccer_epl=4000, tennis=0 ," }));
    expect(config).toEqual({ defaultMs: 8_000, bySport: { soccer_epl: 4_000, tennis: 0 } });
    expect(inPlayDelaysOf(parseEnv({ ...base, BET_INPLAY_DELAYS: "" })).bySport).toEqual({});
    expect(() => parseEnv({ ...base, BET_INPLAY_DELAYS: "soccer=5s" })).toThrow(/BET_INPLAY_DELAYS: "soccer=5s" must read key=ms/);
    expect(() => parseEnv({ ...base, BET_INPLAY_DELAYS: "Soccer=5000" })).toThrow(/BET_INPLAY_DELAYS/);
    expect(() => parseEnv({ ...base, BET_INPLAY_DELAYS: "soccer=600000" })).toThrow(/BET_INPLAY_DELAYS/);
    expect(() => parseEnv({ ...base, BET_INPLAY_DELAY_MS: "-1" })).toThrow(/BET_INPLAY_DELAY_MS/);
  });

  it("counts an event as in play once the board says live or its start time has passed", () => {
    const startsAt = "2026-12-07T15:00:00.000Z";
    const kickOff = Date.parse(startsAt);
    expect(isInPlay({ phase: "prematch", startsAt }, kickOff - 1)).toBe(false);
    expect(isInPlay({ phase: "prematch", startsAt }, kickOff)).toBe(true);
    expect(isInPlay({ phase: "live", startsAt }, kickOff - 60_000)).toBe(true);
  });
});

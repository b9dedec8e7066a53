import { describe, expect, it } from "vitest";
import { KEYS, SportCatalogue, type SportInfo } from "../protocol";
import { SportCatalogueWriter } from "./sport-catalogue";

const epl: SportInfo = { key: "soccer_epl", title: "EPL", group: "Soccer", isEsports: false };
const nba: SportInfo = { key: "basketball_nba", title: "NBA", group: "Basketball", isEsports: false };

function fakeRedis() {
  const values = new Map<string, string>();
  let sets = 0;
  return {
    values,
    sets: () => sets,
    get: async (key: string) => values.get(key) ?? null,
    set: async (key: string, value: string) => {
      sets += 1;
      values.set(key, value);
      return "OK" as const;
    },
  };
}

/** A reader of the active sports that counts its reads; set `sports` to change what it returns. */
function readCounting(initial: SportInfo[]) {
  const source = {
    sports: initial,
    reads: 0,
    read: async () => {
      source.reads += 1;
      return source.sports;
    },
  };
  return source;
}

describe("SportCatalogueWriter", () => {
  it("stores the catalogue, rewrites it only when it changed or was lost, and rereads it only when due", async () => {
    const source = readCounting([epl]);
    const redis = fakeRedis();
    const writer = new SportCatalogueWriter(source.read, redis as never, { warn: () => {} }, 1_000);
    await writer.refresh(0, true);
    expect(SportCatalogue.parse(JSON.parse(redis.values.get(KEYS.sportsCatalogue) ?? "")).sports).toEqual([epl]);
    await writer.refresh(500); // not due
    await writer.refresh(1_000); // due, unchanged: no write
    expect([source.reads, redis.sets()]).toEqual([2, 1]);
    source.sports = [nba, epl];
    await writer.refresh(2_000);
    expect(SportCatalogue.parse(JSON.parse(redis.values.get(KEYS.sportsCatalogue) ?? "")).sports).toEqual([nba, epl]);
    redis.values.clear(); // Redis lost its data
    await writer.refresh(3_000);
    expect(redis.values.has(KEYS.sportsCatalogue)).toBe(true);
    expect(redis.sets()).toBe(3);
  });

  it("logs a failed read and tries again on the next refresh, whenever it comes", async () => {
    let fail = true;
    let warnings = 0;
    const redis = fakeRedis();
    const writer = new SportCatalogueWriter(
      async () => {
        if (fail) throw new Error("Postgres down");
        return [epl];
      },
      redis as never,
      {
        warn: () => {
          warnings += 1;
        },
      },
      60_000,
    );
    await writer.refresh(0, true);
    fail = false;
    await writer.refresh(1);
    expect(warnings).toBe(1);
    expect(redis.values.has(KEYS.sportsCatalogue)).toBe(true);
  });

  it("reads the catalogue again at once when the board holds a sport it lacks, once per such sport", async () => {
    const source = readCounting([epl]);
    const redis = fakeRedis();
    const writer = new SportCatalogueWriter(source.read, redis as never, { warn: () => {} }, 60_000);
    await writer.refresh(0, true);
    await writer.boardHas(["soccer_epl"], 10); // known: nothing read
    expect(source.reads).toBe(1);
    source.sports = [epl, nba]; // a source added a sport
    await writer.boardHas(["soccer_epl", "basketball_nba"], 20);
    expect(source.reads).toBe(2);
    expect(SportCatalogue.parse(JSON.parse(redis.values.get(KEYS.sportsCatalogue) ?? "")).sports).toEqual([epl, nba]);
    // A board sport that is switched off stays out of the catalogue: read once, not on every step.
    await writer.boardHas(["soccer_epl", "basketball_nba", "tennis_atp"], 30);
    await writer.boardHas(["soccer_epl", "basketball_nba", "tennis_atp"], 40);
    expect(source.reads).toBe(3);
  });
});

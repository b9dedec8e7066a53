import { Prisma } from "../generated/prisma/client";
import { describe, expect, it } from "vitest";
import type { EventRow } from "./pricing";
import { RowCache } from "./row-cache";

function row(id: string, price = 2): EventRow {
  return {
    id,
    sport: "soccer_epl",
    isEsports: false,
    league: "L",
    homeTeam: "H",
    awayTeam: "A",
    title: "H vs A",
    startsAt: new Date(0),
    status: "ACTIVE",
    phase: "PREMATCH",
    homeScore: null,
    awayScore: null,
    sportRef: { active: true },
    markets: [
      {
        key: "h2h",
        line: null,
        status: "OPEN",
        outcomes: ["home", "away"].map((key) => ({
          id: `${id}-${key}`,
          key,
          name: key,
          point: null,
          stakeTotal: new Prisma.Decimal(0),
          prices: [{ id: `${id}-${key}-a`, bookmaker: "a", price, lastUpdate: new Date(0) }],
        })),
      },
    ],
  };
}

describe("RowCache", () => {
  it("patches a held price or pool row in place and names its event", () => {
    const cache = new RowCache();
    cache.put(row("e1"));
    expect(cache.patchPrice("e1-home-a", 3.5, new Date(1))).toEqual({ eventId: "e1", market: "h2h" });
    expect(cache.patchStake("e1-away", new Prisma.Decimal(40))).toEqual({ eventId: "e1", market: "h2h" });
    const held = cache.get("e1")?.markets[0]?.outcomes;
    expect(held?.[0]?.prices[0]?.price).toBe(3.5);
    expect(Number(held?.[1]?.stakeTotal)).toBe(40);
    expect(cache.patchPrice("unknown", 2, new Date(1))).toBeNull();
  });

  it("forgets the rows of a replaced or removed event", () => {
    const cache = new RowCache();
    cache.put(row("e1"));
    cache.put({ ...row("e1"), markets: [] }); // reread: the market is gone
    expect(cache.patchPrice("e1-home-a", 9, new Date(1))).toBeNull();
    cache.put(row("e2"));
    cache.remove("e2");
    expect(cache.has("e2")).toBe(false);
    expect(cache.patchStake("e2-home", new Prisma.Decimal(1))).toBeNull();
    expect(cache.size).toBe(1);
    cache.clear();
    expect(cache.size).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import { z } from "zod";
import { decimal, int, keyList, list, parseEnvironment, port, url } from "./env-parse";
import { StartupError } from "./errors";

const parse = (shape: z.ZodRawShape, source: Record<string, string | undefined>) => parseEnvironment(z.object(shape), source);

describe("parseEnvironment", () => {
  it("lists every bad variable on its own line, saying which are not set", () => {
    const shape = { A: url(["redis:"]), B: int(1, 1, 9), C: port(80) };
    expect(() => parse(shape, { B: "10", C: "0" })).toThrow(StartupError);
    expect(() => parse(shape, { B: "10", C: "0" })).toThrow(
      "Invalid environment:\n  A: is not set\n  B: must be a whole number from 1 to 9\n  C: must be a port from 1 to 65535",
    );
  });
});

describe("the shared rules", () => {
  it("port: 1 to 65535, and 0 only where the variable says what it means", () => {
    expect(parse({ P: port(3001) }, {})).toEqual({ P: 3001 });
    expect(parse({ P: port(3001) }, { P: "65535" })).toEqual({ P: 65_535 });
    for (const bad of ["0", "65536", "80.5", "http", ""]) expect(() => parse({ P: port(3001) }, { P: bad }), bad).toThrow(/P: must be a port from 1 to 65535$/);
    expect(parse({ P: port(3001, "any free port") }, { P: "0" })).toEqual({ P: 0 });
    expect(() => parse({ P: port(3001, "any free port") }, { P: "-1" })).toThrow("P: must be a port from 1 to 65535, or 0 (any free port)");
  });

  it("url: the WHATWG parser and a closed set of schemes, named in the error", () => {
    const shape = { U: url(["redis:", "rediss:"]) };
    expect(parse(shape, { U: "rediss://:secret@h:6380/1" })).toEqual({ U: "rediss://:secret@h:6380/1" });
    for (const bad of ["http://h", "redis//h", "h:6379"])
      expect(() => parse(shape, { U: bad }), bad).toThrow("U: must be a URL starting with redis:// or rediss://");
  });

  it("numbers: whole or not, within bounds, with the bounds in the error", () => {
    expect(parse({ N: decimal(0.05, 0, 0.5) }, { N: "0.1" })).toEqual({ N: 0.1 });
    expect(() => parse({ N: decimal(0.05, 0, 0.5) }, { N: "1" })).toThrow("N: must be a number from 0 to 0.5");
    expect(() => parse({ N: decimal(1, 0.01) }, { N: "0" })).toThrow("N: must be a number of at least 0.01");
    expect(() => parse({ N: int(5, 1, 9) }, { N: "2.5" })).toThrow("N: must be a whole number from 1 to 9");
  });

  it("lists: trimmed, blanks dropped; key lists also without repeats, each key checked", () => {
    expect(parse({ L: list("a,b") }, { L: " x , ,y," })).toEqual({ L: ["x", "y"] });
    expect(parse({ K: keyList(["h2h", "totals"], "h2h") }, { K: "totals, h2h,totals" })).toEqual({ K: ["totals", "h2h"] });
    expect(() => parse({ K: keyList(["h2h", "totals"], "h2h") }, { K: "h2h,corners" })).toThrow("K: each key must be one of h2h, totals");
    expect(() => parse({ K: keyList(/^[a-z]+$/, "a") }, { K: "Soccer" })).toThrow("K: each key must match /^[a-z]+$/");
    expect(() => parse({ K: keyList(/^[a-z]+$/, "a") }, { K: " , " })).toThrow("K: must list at least one key");
  });
});

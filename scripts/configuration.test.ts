import { readFileSync } from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { envVariables, parseEnv } from "../lib/env";
import { parseRelayEnv, relayVariables } from "../vps/env";
import { parseStackEnv, stackVariables } from "./stack-env";

/**
 * One configuration: the schemas (lib/env.ts, vps/env.ts, scripts/stack-env.ts) say what each
 * process reads; the PM2 ecosystem file and README "Configuration" must list exactly that, and a
 * variable two processes read must be read the same way by both.
 */

const ROOT = path.resolve(import.meta.dirname, "..");
const names = (shape: object) => Object.keys(shape).sort();
const web = names(envVariables.shape);
const relay = names(relayVariables.shape);
const stack = names(stackVariables.shape);

/** Set by PM2 for each instance itself: an app handed the caller's value would give every instance the same. */
const SET_BY_PM2 = ["NODE_APP_INSTANCE"];
/** What the ecosystem sets for every app, read by Next.js and libraries rather than by our schemas. */
const FIXED_BY_ECOSYSTEM = { NODE_ENV: "production" };

interface EcosystemApp {
  name: string;
  instances?: number;
  env: Record<string, string>;
}

/** Evaluates ecosystem.config.cjs as PM2 would, with `environment` as the caller's; records every variable it reads. */
function loadEcosystem(environment: Record<string, string>): { apps: EcosystemApp[]; read: Set<string> } {
  const read = new Set<string>();
  const env = new Proxy(environment, {
    get: (target, name) => {
      if (typeof name === "string") read.add(name);
      return typeof name === "string" ? target[name] : undefined;
    },
  });
  const module = { exports: {} as { apps: EcosystemApp[] } };
  const source = readFileSync(path.join(ROOT, "ecosystem.config.cjs"), "utf8");
  vm.runInNewContext(source, { module, exports: module.exports, __dirname: ROOT, process: { env } });
  return { apps: module.exports.apps, read };
}

/** The README's configuration tables, each with the module named in the paragraph before it. */
function readmeTables(): { module: string; names: string[] }[] {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
  const start = readme.indexOf("\n## Configuration\n");
  const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
  const blocks = section.split(/\n[ \t]*\n/);
  return blocks.flatMap((block, index) => {
    if (!block.trimStart().startsWith("|")) return [];
    const module = /`([\w/.-]+\.ts)`/.exec(blocks[index - 1] ?? "")?.[1] ?? "(no module named before the table)";
    const rows = block.trim().split("\n").slice(2);
    const firstCells = rows.map((row) => row.split("|")[1] ?? "");
    return [{ module, names: firstCells.flatMap((cell) => [...cell.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((match) => match[1] ?? "")) }];
  });
}

describe("the PM2 ecosystem file", () => {
  const everything = Object.fromEntries([...web, ...relay, ...stack, "NOT_READ_BY_ANY_SCHEMA"].map((name) => [name, "1"]));
  const { apps, read } = loadEcosystem(everything);
  const schemaOf: Record<string, string[]> = { web, publisher: web, feed: web, "ws-server": relay };

  it("hands each app exactly the variables its schema reads, less those PM2 sets itself", () => {
    expect(apps.map((app) => app.name).sort()).toEqual(Object.keys(schemaOf).sort());
    for (const app of apps) {
      const expected = (schemaOf[app.name] ?? []).filter((name) => !SET_BY_PM2.includes(name));
      const { NODE_ENV, ...handed } = app.env;
      expect(names(handed), app.name).toEqual(expected);
      expect({ NODE_ENV }, app.name).toEqual(FIXED_BY_ECOSYSTEM);
    }
  });

  it("reads no variable that no schema declares", () => {
    const declared = new Set([...web, ...relay, ...stack]);
    expect([...read].filter((name) => !declared.has(name))).toEqual([]);
  });

  it("accepts and refuses the same instance counts as npm start", () => {
    for (const name of ["RELAY_INSTANCES", "WEB_INSTANCES", "PUBLISHER_INSTANCES", "FEED_INSTANCES"]) {
      for (const value of ["0", "1", "2", "16", "17", "64", "65", "two", "1.5"]) {
        const ecosystem = accepts(() => loadEcosystem({ [name]: value }));
        const npmStart = accepts(() => parseStackEnv({ [name]: value }));
        expect(ecosystem, `${name}=${value}`).toBe(npmStart);
      }
    }
  });
});

describe("README Configuration", () => {
  const tables = readmeTables();

  it("has one table per schema: the web app's, the relay's, and what only npm start and PM2 read", () => {
    expect(tables.map((table) => table.module)).toEqual(["lib/env.ts", "vps/env.ts", "scripts/stack-env.ts"]);
  });

  it("lists exactly the variables each schema reads, each once", () => {
    const [webTable, relayTable, stackTable] = tables;
    expect(webTable?.names.slice().sort()).toEqual(web);
    expect(relayTable?.names.slice().sort()).toEqual(relay);
    expect(stackTable?.names.slice().sort()).toEqual(stack.filter((name) => !web.includes(name) && !relay.includes(name)));
  });
});

describe("a variable several processes read", () => {
  const parsers: Record<string, { names: string[]; parse: (extra: Record<string, string>) => unknown }> = {
    web: { names: web, parse: (extra) => parseEnv({ DATABASE_URL: "postgresql://u@h:5432/d", REDIS_URL: "redis://h:6379", ...extra }) },
    relay: { names: relay, parse: (extra) => parseRelayEnv({ REDIS_URL: "redis://h:6379", ...extra }) },
    "npm start": { names: stack, parse: (extra) => parseStackEnv(extra) },
  };
  const samples: Record<string, string[]> = {
    REDIS_URL: ["redis://h:6379", "rediss://:pw@h:6380/1", "http://h:6379", "redis:/h", "h:6379", ""],
    RELAY_JWT_SECRET: ["x".repeat(32), "x".repeat(31)],
    NODE_APP_INSTANCE: ["0", "7", "one", "-1", "1.5"],
    LOG_LEVEL: ["debug", "silent", "INFO", "verbose"],
    LOG_FORMAT: ["json", "pretty", "JSON", "text"],
    RELAY_PORT: ["1", "3001", "65535", "65536", "http"],
    RELAY_HOST: ["127.0.0.1", ""],
    PORT: ["3000", "0", "65536"],
  };

  it("is accepted or refused alike by every process that reads it", () => {
    for (const [name, values] of Object.entries(samples)) {
      const readers = Object.entries(parsers).filter(([, parser]) => parser.names.includes(name));
      expect(readers.length, name).toBeGreaterThan(1);
      for (const value of values) {
        const verdicts = readers.map(([process, parser]) => `${process}: ${accepts(() => parser.parse({ [name]: value }), name)}`);
        expect(new Set(verdicts.map((verdict) => verdict.split(": ")[1])).size, `${name}=${JSON.stringify(value)} → ${verdicts.join(", ")}`).toBe(1);
      }
    }
  });
});

/** Whether `run` succeeds, or fails on something other than `name` (when given). */
function accepts(run: () => unknown, name?: string): boolean {
  try {
    run();
    return true;
  } catch (error) {
    return name !== undefined && !new RegExp(`\\b${name}:`).test((error as Error).message);
  }
}

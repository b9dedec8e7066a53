import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

/** The loader PM2 runs the relay with: a CommonJS bundle, and a V8 code cache beside it. */
const LOADER = path.join(import.meta.dirname, "run-bundle.cjs");

/** A bundle that says what it sees: its argv, its own file and folder, and `value`. */
const bundleSource = (value: string) =>
  `const seen = { argv: process.argv.slice(1), file: __filename, dir: __dirname, value: "${value}", exportsIsThis: this === module.exports };\nconsole.log(JSON.stringify(seen));\n`;

let dir: string;
let bundle: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "liveodds-run-bundle-"));
  bundle = path.join(dir, "app.cjs");
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

function runBundle(...args: string[]) {
  const result = spawnSync(process.execPath, [LOADER, ...args], { cwd: dir, encoding: "utf8" });
  return { code: result.status, stderr: result.stderr, seen: result.stdout ? JSON.parse(result.stdout) : null };
}

const caches = () => readdirSync(dir).filter((file) => file.endsWith(".cache"));

describe("scripts/run-bundle.cjs", () => {
  it("runs the bundle as node would, and writes a code cache named by the bundle's hash", () => {
    writeFileSync(bundle, bundleSource("first"));
    const run = runBundle("app.cjs", "--flag");
    expect(run.code).toBe(0);
    expect(run.seen).toEqual({ argv: [bundle, "--flag"], file: bundle, dir, value: "first", exportsIsThis: true });
    expect(run.stderr).toMatch(/code cache written to app\.cjs\.[0-9a-f]{16}\.cache \(none yet\)/);
    expect(caches()).toHaveLength(1);
  });

  it("uses the cache on the next start without writing it again", () => {
    writeFileSync(bundle, bundleSource("first"));
    runBundle("app.cjs");
    const [cache] = caches();
    const written = statSync(path.join(dir, cache!)).mtimeMs;
    const again = runBundle("app.cjs");
    expect(again.seen.value).toBe("first");
    expect(again.stderr).toBe("");
    expect(statSync(path.join(dir, cache!)).mtimeMs).toBe(written);
  });

  it("never runs a cache of another build, even one of the same length", () => {
    writeFileSync(bundle, bundleSource("first"));
    runBundle("app.cjs");
    // V8 checks only the source's length: without the hash in the name, this would run "first".
    writeFileSync(bundle, bundleSource("other"));
    const rebuilt = runBundle("app.cjs");
    expect(rebuilt.seen.value).toBe("other");
    expect(rebuilt.stderr).toMatch(/\(none yet\)/);
    expect(caches()).toHaveLength(2);
  });

  it("compiles from source when the cache is damaged, and writes a good one", () => {
    writeFileSync(bundle, bundleSource("first"));
    runBundle("app.cjs");
    const cache = path.join(dir, caches()[0]!);
    const good = readFileSync(cache);
    writeFileSync(cache, Buffer.alloc(good.length, 7));
    const damaged = runBundle("app.cjs");
    expect(damaged.seen.value).toBe("first");
    expect(damaged.stderr).toMatch(/the one there was rejected/);
    expect(readFileSync(cache).equals(Buffer.alloc(good.length, 7))).toBe(false);
    expect(runBundle("app.cjs").stderr).toBe("");
  });

  it("says how to call it when no bundle is named", () => {
    const run = spawnSync(process.execPath, [LOADER], { encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/usage: node scripts\/run-bundle\.cjs <bundle\.cjs>/);
  });
});

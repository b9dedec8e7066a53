"use strict";
/**
 * Runs a CommonJS bundle with a V8 code cache kept beside it: what PM2 runs for the relay
 * (`node scripts/run-bundle.cjs dist/ws-server.cjs`), so that a relay killed with `kill -9` spends
 * its restart serving, not compiling.
 *
 * Node 20 compiles every start from source: ~50 ms of the relay's ~130 ms load is V8 compiling
 * the 1.7 MB bundle and then, as they first run, the functions start-up calls. The cache holds that
 * compiled code, taken once start-up has run (`createCachedData` after the fact, so it includes
 * the functions compiled lazily during start-up, not only the top level): 3 s after start, or at
 * exit if that comes first. It is written once per bundle build and V8 version, to a temporary
 * file renamed into place (instances starting together never read half a file).
 *
 * The cache's name carries a hash of the bundle's text: V8 itself only checks the source's length,
 * so a rebuilt bundle of the same length must never meet the old cache. V8 rejects a cache from
 * another V8 version or other flags; the loader then compiles from source and writes a new one.
 * Without a usable cache (none yet, dist/ read-only) the bundle runs exactly as `node bundle.cjs`.
 *
 * (v8-compile-cache does this for `require`, but caches only what is compiled before the code
 * runs and saves at exit, which a `kill -9` never reaches: measured, 16 ms of the 50.)
 */
const { createHash } = require("node:crypto");
const { readFileSync, renameSync, writeFileSync } = require("node:fs");
const { createRequire, wrap } = require("node:module");
const path = require("node:path");
const vm = require("node:vm");

/** Long enough after start for start-up's functions to be compiled, and before most crashes. */
const WRITE_AFTER_MS = 3_000;

const bundle = path.resolve(process.argv[2] ?? "");
if (!process.argv[2]) {
  process.stderr.write("usage: node scripts/run-bundle.cjs <bundle.cjs>\n");
  process.exit(2);
}
// The bundle sees itself as the script node ran.
process.argv.splice(1, 2, bundle);

const source = readFileSync(bundle, "utf8");
const cacheFile = `${bundle}.${createHash("sha256").update(source).digest("hex").slice(0, 16)}.cache`;
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
const script = new vm.Script(wrap(source), {
  filename: bundle,
  cachedData,
  importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});

if (cachedData === undefined || script.cachedDataRejected) {
  const reason = cachedData === undefined ? "none yet" : "the one there was rejected";
  let written = false;
  const writeCache = () => {
    if (written) return;
    written = true;
    const temporary = `${cacheFile}.${process.pid}`;
    try {
      writeFileSync(temporary, script.createCachedData());
      renameSync(temporary, cacheFile);
      process.stderr.write(`code cache written to ${path.relative(process.cwd(), cacheFile)} (${reason})\n`);
    } catch (error) {
      process.stderr.write(`code cache not written (${error instanceof Error ? error.message : String(error)}); the bundle runs without it\n`);
    }
  };
  setTimeout(writeCache, WRITE_AFTER_MS).unref();
  process.once("exit", writeCache);
}

const bundleModule = { exports: {}, filename: bundle, id: bundle, loaded: false };
script.runInThisContext().call(bundleModule.exports, bundleModule.exports, createRequire(bundle), bundleModule, bundle, path.dirname(bundle));
bundleModule.loaded = true;

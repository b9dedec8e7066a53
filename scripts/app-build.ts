import { existsSync, statSync } from "node:fs";
import { readFile, readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { type Plugin, build } from "esbuild";

/**
 * The long-running apps as plain JavaScript: one bundle per app in dist/, which PM2 runs with node
 * alone. Under tsx every start compiled the TypeScript first (1.3–1.7 s before a relay killed with
 * `kill -9` answered again); a bundle starts in a fraction of that, since node reads one file
 * instead of resolving and compiling hundreds.
 *
 * The relay's bundle is CommonJS, run by scripts/run-bundle.cjs with a V8 code cache (node 20 has
 * none for ES modules): its restart is what thousands of clients wait for. The publisher and the
 * feed stay ES modules (Prisma's generated client reads import.meta.url and imports its runtime
 * dynamically); a killed one has a hot standby.
 *
 *   npm run build:apps                 builds dist/ws-server.cjs, dist/publisher.mjs, dist/feed.mjs
 */

const ROOT = path.resolve(import.meta.dirname, "..");
export const DIST_DIR = path.join(ROOT, "dist");

/** Each app by its PM2 name, with its entry point. */
export const APPS = {
  "ws-server": "vps/server.ts",
  publisher: "lib/publisher/main.ts",
  feed: "lib/feed/main.ts",
} as const;

export type AppName = keyof typeof APPS;

/** The apps run with a code cache: CommonJS bundles, started by scripts/run-bundle.cjs. */
const CACHED: readonly AppName[] = ["ws-server"];

/** The bundle of `app`. */
export const appBundle = (app: AppName) => path.join(DIST_DIR, CACHED.includes(app) ? `${app}.cjs` : `${app}.mjs`);

/** node's arguments that run `app` as PM2 does (the ecosystem file says the same). */
export const appArgs = (app: AppName): string[] => (CACHED.includes(app) ? [path.join(ROOT, "scripts", "run-bundle.cjs"), appBundle(app)] : [appBundle(app)]);

/**
 * Left to node_modules at run time, for the publisher and the feed (the relay loads none of them):
 * Prisma's runtime loads its query compiler (WebAssembly) by path, `pg` may load `pg-native`, and
 * argon2 is a native addon. Our own code, Prisma's generated client in lib/generated (TypeScript
 * that node could not load) and every pure-JS package are bundled: one file parses faster than
 * a thousand are resolved (measured in bench/relay-restart.ts).
 */
const EXTERNAL = ["@prisma/client", "@prisma/adapter-pg", "pg", "pg-native", "@node-rs/argon2", "bufferutil", "utf-8-validate"];

/**
 * CommonJS packages bundled into ESM still call `require` (for node's own modules) and read
 * `__dirname`; an ES module has neither, so the bundle makes them. Either kind of bundle knows the
 * checkout's root (`__bundleRoot`, the folder above dist/).
 */
const BANNER = {
  esm: [
    'import { createRequire as __bundleRequire } from "node:module";',
    'import { fileURLToPath as __bundlePath } from "node:url";',
    "const require = __bundleRequire(import.meta.url);",
    'const __bundleRoot = __bundlePath(new URL("..", import.meta.url));',
  ].join("\n"),
  cjs: 'const __bundleRoot = require("node:path").join(__dirname, "..");',
};

/**
 * A bundled package that reads `__dirname` means its own folder: Socket.IO serves its browser
 * client from there (GET /socket.io/socket.io.js), ioredis trims its stack traces by it. Each such
 * module gets its own `__dirname`, its folder under the checkout, found from the bundle's place
 * (dist/ sits beside node_modules/), so a moved checkout still works.
 */
const ownDirname: Plugin = {
  name: "own-dirname",
  setup(builder) {
    builder.onLoad({ filter: /[\\/]node_modules[\\/].*\.c?js$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      // An ES module that makes its own from import.meta.url (a `const __dirname`) keeps it.
      if (!/\b__(dirname|filename)\b/.test(source) || /\b(const|let|var)\s+__(dirname|filename)\b/.test(source)) return undefined;
      const dir = path.relative(ROOT, path.dirname(args.path));
      const file = path.relative(ROOT, args.path);
      const prelude = `var __dirname = require("node:path").join(__bundleRoot, ${JSON.stringify(dir)}), __filename = require("node:path").join(__bundleRoot, ${JSON.stringify(file)});\n`;
      return { contents: prelude + source, loader: "js" };
    });
  },
};

/** Builds every app's bundle into dist/; throws with esbuild's messages when one fails. */
export async function buildApps(): Promise<void> {
  // Code caches of earlier builds: each names its bundle's hash, so none would be used again.
  if (existsSync(DIST_DIR)) {
    const caches = (await readdir(DIST_DIR)).filter((file) => file.endsWith(".cache"));
    await Promise.all(caches.map((file) => rm(path.join(DIST_DIR, file), { force: true })));
  }
  await Promise.all(
    Object.entries(APPS).map(([app, entry]) => {
      const format = CACHED.includes(app as AppName) ? "cjs" : "esm";
      return build({
        entryPoints: [path.join(ROOT, entry)],
        outfile: appBundle(app as AppName),
        bundle: true,
        platform: "node",
        target: "node20",
        format,
        // Whitespace and syntax only: names stay, so a stack trace still reads.
        minifyWhitespace: true,
        minifySyntax: true,
        external: EXTERNAL,
        banner: { js: BANNER[format] },
        plugins: [ownDirname],
        logLevel: "error",
        legalComments: "none",
      });
    }),
  );
}

/** Sources a bundle is made from: a newer one makes the bundles stale. */
const SOURCES = ["lib", "vps", "package-lock.json", "tsconfig.json", "scripts/app-build.ts"];

/** Builds the bundles when one is missing or any source is newer than the oldest. Returns whether it built. */
export async function buildAppsIfStale(): Promise<boolean> {
  const bundles = Object.keys(APPS).map((app) => appBundle(app as AppName));
  const builtAt = Math.min(...bundles.map((bundle) => (existsSync(bundle) ? statSync(bundle).mtimeMs : 0)));
  const newest = Math.max(...(await Promise.all(SOURCES.map((source) => newestMtime(path.join(ROOT, source))))));
  if (builtAt > newest) return false;
  await buildApps();
  return true;
}

async function newestMtime(target: string): Promise<number> {
  if (!existsSync(target)) return 0;
  const info = await stat(target);
  if (!info.isDirectory()) return info.mtimeMs;
  if (path.basename(target) === "node_modules") return 0;
  const entries = (await readdir(target)).filter((entry) => !entry.endsWith(".test.ts"));
  return Math.max(info.mtimeMs, ...(await Promise.all(entries.map((entry) => newestMtime(path.join(target, entry))))));
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  const started = performance.now();
  await buildApps();
  console.log(`built ${Object.keys(APPS).length} app bundles into dist/ in ${Math.round(performance.now() - started)} ms`);
}

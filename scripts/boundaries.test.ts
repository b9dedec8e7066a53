import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, closure, importsOf, packageOf, sourceFiles } from "./source-imports";

/**
 * The folders' import boundaries (README "Architecture"), checked by a static scan of the imports.
 *
 * - The relay (vps/) imports, outside its folder, only the wire contract (lib/protocol/) and the
 *   process-level helpers at lib/ root it runs on (RELAY_MAY_IMPORT), and nothing it loads through
 *   them reaches further: never app/, lib/db.ts, Prisma, Next.js or another lib/ folder, so the
 *   relay runs without the web app, Postgres or Next.js.
 * - app/ never imports vps/, and lib/ imports neither: the web app and the relay meet in lib/.
 * - Only the env modules read the environment.
 */

/** What the relay may import from outside vps/: the wire contract and the process-level helpers it runs on. */
const RELAY_MAY_IMPORT = [
  "lib/protocol/", // the wire contract
  "lib/log.ts", // the logger
  "lib/process.ts", // runMain, onShutdown
  "lib/redis.ts", // the ioredis factory
  "lib/errors.ts", // StartupError and safe error text
  "lib/env-parse.ts", // the rules its env schema is built from
  "lib/env-shared.ts", // the variables it reads as the other processes do
  "lib/client-address.ts", // a client's address, as the web app reads it
];
/** The relay's tests may also use the shared test helpers. */
const RELAY_TESTS_MAY_IMPORT = ["tests/support/"];
/** Packages the relay must never load, even through lib/. */
const NOT_IN_THE_RELAY = ["next", "react", "react-dom", "@prisma/client", "@prisma/adapter-pg", "prisma", "pg", "iron-session", "@node-rs/argon2"];

const isTest = (file: string) => file.endsWith(".test.ts");
const within = (file: string, prefixes: readonly string[]) => prefixes.some((prefix) => (prefix.endsWith("/") ? file.startsWith(prefix) : file === prefix));

/** "file → import" for each import of `files` that names a repository file `allowed` refuses. */
function violations(files: readonly string[], allowed: (file: string, target: string) => boolean): string[] {
  return files.flatMap((file) =>
    importsOf(file)
      .filter((imported) => imported.file !== null && !allowed(file, imported.file))
      .map((imported) => `${file} → ${imported.specifier}`),
  );
}

describe("the relay's imports", () => {
  const relayFiles = sourceFiles("vps");

  it("stay in vps/, lib/protocol/ and the process-level helpers at lib/ root", () => {
    const allowed = (file: string, target: string) =>
      target.startsWith("vps/") || within(target, RELAY_MAY_IMPORT) || (isTest(file) && within(target, RELAY_TESTS_MAY_IMPORT));
    expect(violations(relayFiles, allowed)).toEqual([]);
  });

  it("load nothing else through them: no app/, lib/db, Prisma or Next.js", () => {
    const { files, packages } = closure(relayFiles.filter((file) => !isTest(file)));
    expect([...files].filter((file) => !file.startsWith("vps/") && !within(file, RELAY_MAY_IMPORT))).toEqual([]);
    expect([...packages].filter((name) => NOT_IN_THE_RELAY.includes(packageOf(name)))).toEqual([]);
  });
});

describe("the web app and lib/", () => {
  it("app/ never imports vps/", () => {
    expect(violations(sourceFiles("app"), (_, target) => !target.startsWith("vps/"))).toEqual([]);
  });

  it("lib/ imports neither app/ nor vps/", () => {
    expect(violations(sourceFiles("lib"), (_, target) => !target.startsWith("app/") && !target.startsWith("vps/"))).toEqual([]);
  });
});

/**
 * Who may touch `process.env`, and why. Readers read variables by name; the others only hand the
 * whole environment on (to a parser, or to a child process) without reading a variable.
 */
const ENV_READERS: Record<string, string> = {
  "lib/env-shared.ts": "LOG_LEVEL and LOG_FORMAT for the logger, by the shared rules",
  "ecosystem.config.cjs": "PM2's config: hands each app its schema's variables (scripts/configuration.test.ts)",
  "instrumentation.ts": "NEXT_RUNTIME, set by Next.js and read as Next.js documents (its build replaces it)",
  "next.config.mjs": "NEXT_DIST_DIR, which scripts/next-build.ts and the tests set for `next build`",
  "prisma.config.ts": "the Prisma CLI's DATABASE_URL",
};
const ENV_PASSERS: Record<string, string> = {
  "lib/env.ts": "parses it (the web app, publisher and feed)",
  "vps/env.ts": "parses it (the relay)",
  "scripts/start.ts": "parses it (scripts/stack-env.ts) and hands it to PM2",
  "scripts/local-stack.ts": "hands it to PM2",
  "scripts/next-build.ts": "hands it to `next build`",
  "scripts/prisma-client.ts": "hands it to `prisma generate`",
  "scripts/services/postgres.ts": "hands it to Postgres's tools",
  "scripts/services/run.ts": "hands it to the commands it runs",
};

describe("the environment", () => {
  const files = [".", "app", "lib", "vps", "scripts", "prisma"]
    .flatMap((folder) => (folder === "." ? sourceFiles(".", /\.(ts|mjs|cjs)$/, false) : sourceFiles(folder)))
    .filter((file) => !isTest(file));

  it("is read only by the env modules, and otherwise handed on whole", () => {
    const wrong = files.flatMap((file) => {
      const text = readFileSync(path.join(ROOT, file), "utf8");
      if (!text.includes("process.env")) return [];
      const readsByName = /process\.env\s*(\.|\[)|\}\s*=\s*process\.env\b/.test(text);
      if (file in ENV_READERS || (!readsByName && file in ENV_PASSERS)) return [];
      return [`${file} ${readsByName ? "reads variables" : "uses process.env"}`];
    });
    expect(wrong).toEqual([]);
  });
});

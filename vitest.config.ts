import path from "node:path";
import { defineConfig } from "vitest/config";

/** `@/lib/…` and `@/app/…` from app/, as tsconfig's `paths` says. */
const resolve = { alias: { "@": path.resolve(import.meta.dirname) } };

/**
 * Three projects, all run by `npm test`:
 *   unit         pure logic beside its module (*.test.ts), no services, parallel
 *   integration  tests/integration: real Postgres, Redis, relay and publisher processes
 *   e2e          tests/e2e: the built Next.js app, over HTTP and in Debian's Chromium (Playwright)
 * Services are real and throwaway (free ports, temp dirs); no timing thresholds anywhere (bench/).
 */
export default defineConfig({
  test: {
    projects: [
      {
        resolve,
        test: {
          name: "unit",
          include: ["lib/**/*.test.ts", "vps/**/*.test.ts", "scripts/**/*.test.ts", "app/**/*.test.ts", "bench/**/*.test.ts"],
          environment: "node",
          sequence: { groupOrder: 0 },
        },
      },
      {
        resolve,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          globalSetup: ["tests/support/global-setup.ts"],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 180_000,
          sequence: { groupOrder: 1 },
        },
      },
      {
        resolve,
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          globalSetup: ["tests/support/e2e-setup.ts"],
          fileParallelism: false,
          testTimeout: 90_000,
          hookTimeout: 300_000,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});

import { freePort } from "../../scripts/services/ports";
import { type Proc, ROOT, spawnProcess } from "./processes";
import { TEST_ADMIN_TOKEN, TEST_JWT_SECRET, TEST_SESSION_SECRET } from "./stack";
import path from "node:path";

/** The Next.js build tests use (never `.next`, which `npm start` serves). */
export const TEST_DIST_DIR = ".next-test";

export interface WebProc extends Proc {
  port: number;
  url: string;
}

/** `next start` on a free port against the given services; like `publisherEnv`, it expects no odds producer unless told. */
export async function startWeb(env: Record<string, string>): Promise<WebProc> {
  const port = await freePort();
  const proc = spawnProcess("web", process.execPath, [path.join(ROOT, "node_modules", "next", "dist", "bin", "next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
    NEXT_DIST_DIR: TEST_DIST_DIR,
    NEXT_TELEMETRY_DISABLED: "1",
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    RELAY_JWT_SECRET: TEST_JWT_SECRET,
    SESSION_SECRET: TEST_SESSION_SECRET,
    PUBLISHER_INTERVAL_MS: "100",
    SIMULATOR_ENABLED: "false",
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while ((await fetch(`${url}/api/health`).catch(() => null))?.status !== 200) {
    if (proc.child.exitCode !== null) throw new Error(`next start exited:\n${proc.output()}`);
    if (Date.now() > deadline) throw new Error(`next start not healthy in time:\n${proc.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return Object.assign(proc, { port, url });
}

import { freePort } from "../../scripts/services/ports";
import { type Proc, spawnTs } from "./processes";
import { TEST_ADMIN_TOKEN, TEST_JWT_SECRET, TEST_SESSION_SECRET } from "./stack";

/** The Next.js build tests use (never `.next`, which `npm start` serves). */
export const TEST_DIST_DIR = ".next-test";

export interface WebProc extends Proc {
  port: number;
  url: string;
}

/**
 * Limits roomy enough for tests and benches that sign up dozens of bettors and place hundreds of
 * bets from one address (127.0.0.1); tests of the limits themselves set their own.
 */
export const ROOMY_LIMITS: Record<string, string> = {
  SIGNUP_RATE_MAX_PER_ADDRESS: "100000",
  SIGNIN_MAX_ATTEMPTS_PER_ADDRESS: "100000",
  BET_RATE_MAX: "100000",
  BET_RATE_MAX_PER_ADDRESS: "100000",
  RELAY_TOKEN_RATE_MAX: "100000",
  RELAY_TOKEN_RATE_MAX_PER_ADDRESS: "100000",
  CHAT_RATE_MAX_PER_ADDRESS: "100000",
  REPLAY_RATE_MAX_PER_ADDRESS: "100000",
};

/**
 * The web app as production runs it (server.ts in front of the Next.js build), on a free port; like
 * `publisherEnv`, it expects no odds producer unless told.
 */
export async function startWeb(env: Record<string, string>): Promise<WebProc> {
  const port = await freePort();
  const proc = spawnTs("web", "server.ts", {
    NEXT_DIST_DIR: TEST_DIST_DIR,
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(port),
    HOST: "127.0.0.1",
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    RELAY_JWT_SECRET: TEST_JWT_SECRET,
    SESSION_SECRET: TEST_SESSION_SECRET,
    PUBLISHER_INTERVAL_MS: "100",
    ...ROOMY_LIMITS,
    SIMULATOR_ENABLED: "false",
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while ((await fetch(`${url}/api/health`).catch(() => null))?.status !== 200) {
    if (proc.child.exitCode !== null) throw new Error(`the web app exited:\n${proc.output()}`);
    if (Date.now() > deadline) throw new Error(`the web app was not healthy in time:\n${proc.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return Object.assign(proc, { port, url });
}

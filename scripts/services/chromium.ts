import { existsSync } from "node:fs";
import { run, which } from "./run";

const HINT = "Chromium is not installed. Install Debian's package with `sudo apt-get install -y chromium` (Playwright's own browser download does not work here).";

/** Debian's Chromium for Playwright: found on PATH, or installed with apt-get when running as root. */
export async function chromiumPath(options: { install: boolean }): Promise<string> {
  const found = await findChromium();
  if (found) return found;
  if (!options.install || process.getuid?.() !== 0 || !(await which("apt-get"))) throw new Error(HINT);
  process.stderr.write("chromium is missing: installing it with apt-get (one time)...\n");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  let result = await run("apt-get", ["install", "-y", "-q", "chromium"], { env });
  if (result.code !== 0) {
    await run("apt-get", ["update", "-q"], { env });
    result = await run("apt-get", ["install", "-y", "-q", "chromium"], { env });
  }
  const installed = await findChromium();
  if (!installed) throw new Error(`apt-get install chromium failed: ${result.stderr.trim().split("\n").pop() ?? ""}. ${HINT}`);
  return installed;
}

async function findChromium(): Promise<string | null> {
  return (await which("chromium")) ?? ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p)) ?? null;
}

/** Flags that let headless Chromium run as root on a machine with no outside network. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

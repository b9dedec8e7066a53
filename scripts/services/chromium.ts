import { existsSync } from "node:fs";
import { ensureDebianPackage, which } from "./run";

const HINT =
  "Chromium is not installed. Install Debian's package with `sudo apt-get install -y chromium` (Playwright's own browser download does not work here).";

/** Debian's Chromium for Playwright: found on PATH, or installed with apt-get when running as root. */
export function chromiumPath(options: { install: boolean }): Promise<string> {
  return ensureDebianPackage("chromium", findChromium, HINT, options.install);
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

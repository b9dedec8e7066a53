import { type Browser, chromium } from "playwright";
import { CHROMIUM_ARGS, chromiumPath } from "../../scripts/services/chromium";

/** Debian's Chromium, headless, driven by Playwright (the `playwright` package, which downloads no browser of its own). */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: await chromiumPath({ install: false }), args: CHROMIUM_ARGS });
}

import { type Browser, type BrowserContext, chromium } from "playwright";
import { CHROMIUM_ARGS, chromiumPath } from "../../scripts/services/chromium";
import type { WebUser } from "./web-user";

/** Debian's Chromium, headless, driven by Playwright (the `playwright` package, which downloads no browser of its own). */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: await chromiumPath({ install: false }), args: CHROMIUM_ARGS });
}

/** Gives `context` the session cookie of `user` (none for null) for `url`: its pages are signed in as them. */
export async function carrySession(context: BrowserContext, user: WebUser | null | undefined, url: string): Promise<void> {
  const cookie = user?.sessionCookie();
  if (cookie) await context.addCookies([{ ...cookie, url }]);
}

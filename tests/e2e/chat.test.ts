import { randomUUID } from "node:crypto";
import type { Browser, BrowserContext, Page } from "playwright";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { ChatMessage, OddsSnapshot } from "../../lib/protocol";
import { carrySession, launchBrowser } from "../support/browser";
import { type FullStack, startFullStack } from "../support/full-stack";
import { TEST_ADMIN_TOKEN } from "../support/stack";
import { WebUser } from "../support/web-user";

const XSS = "<img src=x onerror=alert(1)>";

/** Event chat against the whole stack: the routes over HTTP, and pages in Chromium talking live. */
describe("chat", () => {
  let stack: FullStack;
  let browser: Browser;
  const admin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

  beforeAll(async () => {
    stack = await startFullStack(inject("pgServerUrl"), "chat", { CHAT_RATE_MAX: "5", CHAT_RATE_WINDOW_MS: "10000" });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  /** A prematch NBA event on the board now. */
  async function eventOnBoard(skip: number): Promise<string> {
    const snapshot = (await (await fetch(`${stack.web.url}/api/sports/snapshot?sport=basketball_nba`)).json()) as OddsSnapshot;
    const event = snapshot.events.filter((e) => e.status === "active")[skip];
    if (!event) throw new Error("no event on the board");
    return event.id;
  }

  async function signedUp(name?: string): Promise<WebUser> {
    const user = new WebUser(stack.web.url);
    const answer = name ? await user.post("/api/account/signup", { email: user.email, password: user.password, name }) : await user.signUp();
    expect(answer.status).toBe(201);
    return user;
  }

  const adminFetch = (path: string, method = "GET") => fetch(`${stack.web.url}${path}`, { method, headers: admin });

  it("over HTTP: 201 and the history; 401 signed out; 422 naming text; 404 unknown event; 403 a bettor deleting", async () => {
    const eventId = await eventOnBoard(0);
    const ann = await signedUp("  Ann  ");
    const posted = await ann.post(`/api/events/${eventId}/chat`, { text: "  tip: home  " });
    expect(posted.status).toBe(201);
    const message = (await posted.json()) as ChatMessage;
    expect(message).toMatchObject({ eventId, user: { name: "Ann" }, text: "tip: home" });
    expect(await (await fetch(`${stack.web.url}/api/events/${eventId}/chat`)).json()).toEqual({ messages: [message] });

    expect((await new WebUser(stack.web.url).post(`/api/events/${eventId}/chat`, { text: "hi" })).status).toBe(401);
    for (const text of ["   ", "x".repeat(501)]) {
      const refused = await ann.post(`/api/events/${eventId}/chat`, { text });
      expect(refused.status).toBe(422);
      expect(await refused.json()).toMatchObject({ error: { code: "invalid_input", fields: { text: expect.any(String) } } });
    }
    expect((await ann.post(`/api/events/${randomUUID()}/chat`, { text: "hi" })).status).toBe(404);
    expect((await ann.post("/api/events/not-a-uuid/chat", { text: "hi" })).status).toBe(404);
    expect((await fetch(`${stack.web.url}/api/events/${randomUUID()}/chat`)).status).toBe(404);

    const badName = new WebUser(stack.web.url);
    const refusedName = await badName.post("/api/account/signup", { email: badName.email, password: badName.password, name: "x".repeat(33) });
    expect(refusedName.status).toBe(422);
    expect(await refusedName.json()).toMatchObject({ error: { fields: { name: "must be at most 32 characters" } } });

    const deletePath = `/api/events/${eventId}/chat/${message.id}`;
    expect((await ann.delete(deletePath)).status).toBe(403);
    expect((await fetch(`${stack.web.url}/api/admin/chat`)).status).toBe(401);
    const moderation = (await (await adminFetch("/api/admin/chat?limit=10")).json()) as { messages: (ChatMessage & { eventTitle: string })[] };
    expect(moderation.messages.find((m) => m.id === message.id)).toMatchObject({ eventTitle: expect.any(String), user: { name: "Ann" } });
    expect((await adminFetch(deletePath, "DELETE")).status).toBe(200);
    expect((await adminFetch(deletePath, "DELETE")).status).toBe(404);
    expect(await (await fetch(`${stack.web.url}/api/events/${eventId}/chat`)).json()).toEqual({ messages: [] });
    expect(((await (await adminFetch("/api/admin/chat")).json()) as { messages: ChatMessage[] }).messages.some((m) => m.id === message.id)).toBe(false);
  });

  it("a flood over HTTP: 5 of 10 parallel posts pass, the rest get 429 with Retry-After", async () => {
    const eventId = await eventOnBoard(0);
    const flooder = await signedUp();
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => flooder.post(`/api/events/${eventId}/chat`, { text: `flood ${i}` })));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(5);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused).toHaveLength(5);
    for (const answer of refused) {
      const seconds = Number(answer.headers.get("retry-after"));
      expect(seconds).toBeGreaterThanOrEqual(1);
      expect(seconds).toBeLessThanOrEqual(10);
    }
  });

  it("Chromium: two bettors chat live, a reader sees it without an input, markup stays text, a flood is named, a delete vanishes everywhere", async () => {
    const eventId = await eventOnBoard(1);
    const [alice, bob, boss] = [await signedUp("Alice"), await signedUp("Bob"), await signedUp("Boss")];
    await stack.db.user.updateMany({ where: { email: boss.email }, data: { role: "ADMIN" } });
    const contexts: BrowserContext[] = [];
    const dialogs: string[] = [];
    try {
      const [a, b, reader, moderator] = (await Promise.all(
        [alice, bob, null, boss].map(async (user) => {
          const context = await browser.newContext();
          contexts.push(context);
          await carrySession(context, user, stack.web.url);
          const page = await context.newPage();
          page.on("dialog", (dialog) => {
            dialogs.push(dialog.message());
            void dialog.dismiss();
          });
          await page.goto(`${stack.web.url}/sports/basketball_nba/${eventId}`);
          // In the room, with the history read since joining: nothing said from now on is missed.
          await page.locator('[data-testid="chat-panel"][data-live="true"]').waitFor();
          return page;
        }),
      )) as [Page, Page, Page, Page];

      await say(a, "hello from Alice");
      await message(b, "hello from Alice").waitFor();
      await say(b, "hi Alice, Bob here");
      await message(a, "hi Alice, Bob here").waitFor();
      for (const text of ["hello from Alice", "hi Alice, Bob here"]) await message(reader, text).waitFor();
      expect(await b.locator('[data-testid="chat-message"]', { hasText: "hello from Alice" }).locator(".chat-author").textContent()).toBe("Alice");

      // A reader: messages, no input, a way to sign in; the route refuses the reader's post.
      expect(await reader.locator('[aria-label="Chat message"]').count()).toBe(0);
      await reader.locator('[data-testid="chat-panel"] button', { hasText: "Sign in to chat" }).click();
      await reader.locator(".dialog.auth", { hasText: "Sign in to chat." }).waitFor();
      const anonymousStatus = await reader.evaluate(
        async (path) =>
          (await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ text: "me too" }) })).status,
        `/api/events/${eventId}/chat`,
      );
      expect(anonymousStatus).toBe(401);

      // Markup is shown as typed and never becomes an element.
      await say(a, XSS);
      await say(b, "after the markup");
      for (const page of [a, b, reader]) {
        await message(page, "after the markup").waitFor();
        expect(await message(page, XSS).locator(".chat-text").textContent()).toBe(XSS);
        expect(await page.locator('[data-testid="chat-panel"] img').count()).toBe(0);
      }
      expect(dialogs).toEqual([]);

      // Alice may post 5 per 10 s: the flood is refused, said so, and the typed text kept.
      const box = a.locator('[aria-label="Chat message"]');
      let refusal = "";
      for (let i = 0; i < 10 && !refusal; i += 1) {
        await box.fill(`flood ${i}`);
        await a.locator('[data-testid="chat-panel"] button', { hasText: "Send" }).click();
        const outcome = await Promise.race([
          a
            .locator('[data-testid="chat-error"]')
            .waitFor()
            .then(() => "refused"),
          sent(a).then(() => "sent"),
        ]);
        if (outcome === "refused") refusal = `flood ${i}`;
      }
      expect(refusal).toMatch(/^flood \d$/);
      expect(await a.locator('[data-testid="chat-error"]').textContent()).toMatch(/^You are sending messages too fast; try again in \d+ s\.$/);
      expect(await box.inputValue()).toBe(refusal);

      // An admin's page has a Delete button on each message, a bettor's has none.
      await message(moderator, "hi Alice, Bob here").waitFor();
      // The Delete buttons follow the page's account (an admin's), which may render after the messages: wait for one.
      await moderator.locator('[data-testid="chat-message"] button', { hasText: "Delete" }).first().waitFor();
      expect(await b.locator('[data-testid="chat-message"] button', { hasText: "Delete" }).count()).toBe(0);

      // Deleted over HTTP with the admin token: it vanishes from every open page.
      const bobs = await messageId(b, "hi Alice, Bob here");
      expect((await adminFetch(`/api/events/${eventId}/chat/${bobs}`, "DELETE")).status).toBe(200);
      for (const page of [a, b, reader, moderator]) await page.locator(`[data-message-id="${bobs}"]`).waitFor({ state: "detached" });
      // Deleted from the admin's page: gone from the others too, and from the history.
      const alices = await messageId(moderator, "hello from Alice");
      await moderator.locator(`[data-message-id="${alices}"] button`, { hasText: "Delete" }).click();
      for (const page of [a, b, reader, moderator]) await page.locator(`[data-message-id="${alices}"]`).waitFor({ state: "detached" });
      const history = ((await (await fetch(`${stack.web.url}/api/events/${eventId}/chat`)).json()) as { messages: ChatMessage[] }).messages.map((m) => m.id);
      expect(history).not.toContain(bobs);
      expect(history).not.toContain(alices);
      // Deleted from the console's moderation list: gone from the event pages too.
      const consolePage = await moderator.context().newPage();
      await consolePage.goto(`${stack.web.url}/admin`);
      const markup = await messageId(a, XSS);
      const row = consolePage.locator(`[data-testid="chat-moderation"] tr[data-message-id="${markup}"]`);
      expect(await row.locator(".chat-text").textContent()).toBe(XSS);
      await row.locator("button", { hasText: "Delete" }).click();
      for (const page of [a, b, reader, consolePage]) await page.locator(`[data-message-id="${markup}"]`).waitFor({ state: "detached" });
      expect(await consolePage.locator('[data-testid="chat-moderation"] img').count()).toBe(0);

      await b.reload();
      await b.locator('[data-testid="chat-panel"][data-live="true"]').waitFor();
      await message(b, "after the markup").waitFor();
      expect(await b.locator(`[data-message-id="${bobs}"]`).count()).toBe(0);
      expect(await b.locator(`[data-message-id="${markup}"]`).count()).toBe(0);
    } finally {
      for (const context of contexts) await context.close();
    }
  });

  function message(page: Page, text: string) {
    return page
      .locator('[data-testid="chat-message"]')
      .filter({ has: page.locator(".chat-text", { hasText: text }) })
      .first();
  }

  async function say(page: Page, text: string): Promise<void> {
    await page.locator('[aria-label="Chat message"]').fill(text);
    await page.locator('[data-testid="chat-panel"] button', { hasText: "Send" }).click();
    await message(page, text).waitFor();
    await sent(page);
  }

  /** The route answered 201: the box is emptied then (the relay's copy may come first). */
  async function sent(page: Page): Promise<void> {
    await page.waitForFunction(() => (document.querySelector('[aria-label="Chat message"]') as HTMLTextAreaElement | null)?.value === "");
  }

  async function messageId(page: Page, text: string): Promise<string> {
    const id = await message(page, text).getAttribute("data-message-id");
    if (!id) throw new Error(`no message "${text}"`);
    return id;
  }
});

import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CHANNELS, type OddsSnapshot } from "../../lib/protocol";
import { type TestClient, connectClient } from "../support/client";
import { type FullStack, startFullStack } from "../support/full-stack";
import { TEST_ADMIN_TOKEN } from "../support/stack";
import { WebUser } from "../support/web-user";

/**
 * Sign-out, password change and role change over real HTTP, and what they do to the account's
 * relay tokens: its sockets leave their private rooms at once, and the old tokens stay refused.
 */
describe("sessions and relay tokens", () => {
  let stack: FullStack;
  let bus: Redis;
  let eventId: string;
  let bet: Record<string, unknown>;
  const sockets: TestClient[] = [];
  let markers = 0;

  beforeAll(async () => {
    stack = await startFullStack(inject("pgServerUrl"), "sessions");
    bus = new Redis(stack.redis.url);
    const snapshot = (await (await fetch(`${stack.web.url}/api/sports/snapshot?sport=basketball_nba`)).json()) as OddsSnapshot;
    const event = snapshot.events.find((e) => e.phase === "prematch" && e.status === "active" && e.markets.h2h?.status === "open");
    if (!event) throw new Error("no open prematch event on the board");
    eventId = event.id;
    bet = { eventId, market: "h2h", outcome: "home", price: event.markets.h2h?.outcomes.home?.price, stake: 5, accept: "any" };
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    bus?.disconnect();
    await stack?.stop();
  });

  async function signedUp(): Promise<WebUser & { id: string }> {
    const user = new WebUser(stack.web.url);
    const account = await (await user.signUp()).json();
    return Object.assign(user, { id: account.id as string });
  }

  async function tokenOf(user: WebUser): Promise<string> {
    const answer = await user.post("/api/auth/relay-token", {});
    expect(answer.status).toBe(200);
    return (await answer.json()).token;
  }

  /** A socket with `token` in the event's rooms (its chat room is public: markers go there). */
  async function socketWith(token: string): Promise<TestClient> {
    const socket = await connectClient(stack.relay.url, { token });
    sockets.push(socket);
    expect(await socket.emit("subscribe", { sports: ["basketball_nba"], events: [eventId] })).toMatchObject({ ok: true });
    return socket;
  }

  /** A chat message posted through the web app; resolves once `socket` has it. */
  async function marker(socket: TestClient, by: WebUser): Promise<void> {
    const text = `marker ${(markers += 1)} ${randomUUID()}`;
    expect((await by.post(`/api/events/${eventId}/chat`, { text })).status).toBe(201);
    await socket.waitFor("chat:message", (m) => m.text === text);
  }

  it("signing out takes the account's sockets out of user:<id> at once; its next updates reach only its other sessions", async () => {
    const ann = await signedUp();
    const laptop = new WebUser(stack.web.url, ann.email, ann.password);
    expect((await laptop.signIn()).status).toBe(200);
    const token = await tokenOf(ann);
    const socket = await socketWith(token);
    expect((await ann.post("/api/bets", bet, { "idempotency-key": randomUUID() })).status).toBe(201);
    await socket.waitFor("user:update", (u) => u.kind === "bet_accepted");

    expect((await ann.post("/api/account/logout", {})).status).toBe(204);
    expect(await socket.waitFor("error", (e) => e.code === "token_revoked")).toMatchObject({ code: "token_revoked" });
    // The laptop is still signed in: its bet is ann's update, which the signed-out page must not get.
    expect((await laptop.post("/api/bets", bet, { "idempotency-key": randomUUID() })).status).toBe(201);
    const laptopSocket = await socketWith(await tokenOf(laptop));
    expect((await laptop.post("/api/bets", bet, { "idempotency-key": randomUUID() })).status).toBe(201);
    await laptopSocket.waitFor("user:update", (u) => u.kind === "bet_accepted");
    await marker(socket, laptop);
    expect(socket.of("user:update")).toHaveLength(1);
    // The signed-out page's token is refused from now on, at the handshake and in `auth`.
    await expect(connectClient(stack.relay.url, { token })).rejects.toMatchObject({ message: "unauthorized" });
    expect(await socket.emit("auth", { token })).toMatchObject({ ok: false, error: { code: "unauthorized" } });
  });

  it("a password change ends the other sessions and revokes the relay tokens; this session stays", async () => {
    const bob = await signedUp();
    const phone = new WebUser(stack.web.url, bob.email, bob.password);
    expect((await phone.signIn()).status).toBe(200);
    const socket = await socketWith(await tokenOf(bob));

    const wrong = await bob.post("/api/account/password", { currentPassword: "not my password", newPassword: "a new long password" });
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toMatchObject({ error: { code: "invalid_credentials" } });
    const same = await bob.post("/api/account/password", { currentPassword: bob.password, newPassword: bob.password });
    expect(same.status).toBe(422);
    expect(await same.json()).toMatchObject({ error: { code: "invalid_input", fields: { newPassword: "must differ from the current password" } } });

    const changed = await bob.post("/api/account/password", { currentPassword: bob.password, newPassword: "a new long password" });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toEqual({ signedOut: 1 });
    await socket.waitFor("error", (e) => e.code === "token_revoked");
    expect((await phone.get("/api/account")).status).toBe(401);
    expect((await bob.get("/api/account")).status).toBe(200);
    expect((await new WebUser(stack.web.url, bob.email, bob.password).signIn()).status).toBe(401);
    expect((await new WebUser(stack.web.url, bob.email, "a new long password").signIn()).status).toBe(200);
    // This session's page fetches a fresh token and has its private room back.
    expect(await socket.emit("auth", { token: await tokenOf(bob) })).toMatchObject({ ok: true, sub: bob.id });
  });

  it("a role change is audited with the change, and takes a demoted admin's socket out of admins at once", async () => {
    const carol = await signedUp();
    const asAdmin = { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": "application/json" };
    const setRole = (role: string, headers: Record<string, string> = asAdmin) =>
      fetch(`${stack.web.url}/api/admin/users/${carol.id}/role`, { method: "POST", headers, body: JSON.stringify({ role }) });

    // Another admin first: the last admin account is never demoted.
    const erin = await signedUp();
    expect(
      (await fetch(`${stack.web.url}/api/admin/users/${erin.id}/role`, { method: "POST", headers: asAdmin, body: JSON.stringify({ role: "admin" }) })).status,
    ).toBe(200);
    const promoted = await setRole("admin");
    expect(promoted.status).toBe(200);
    expect(await promoted.json()).toEqual({ id: carol.id, email: carol.email, role: "admin", changed: true });
    const socket = await socketWith(await tokenOf(carol));
    await bus.publish(
      CHANNELS.adminEvents,
      JSON.stringify({ v: 1, type: "admin:event", kind: "publisher_started", data: { intervalMs: 500, by: "test" }, ts: Date.now() }),
    );
    await socket.waitFor("admin:event");

    expect(await (await setRole("user")).json()).toMatchObject({ role: "user", changed: true });
    await socket.waitFor("error", (e) => e.code === "token_revoked");
    await bus.publish(CHANNELS.adminEvents, JSON.stringify({ v: 1, type: "admin:event", kind: "publisher_stopped", data: { by: "test" }, ts: Date.now() }));
    await marker(socket, carol);
    expect(socket.of("admin:event")).toHaveLength(1);
    expect(await (await carol.get("/api/admin/overview")).status).toBe(403);

    // Setting the role it has changes nothing and leaves no entry; each real change left exactly one.
    expect(await (await setRole("user")).json()).toMatchObject({ changed: false });
    const entries = await stack.db.auditEntry.findMany({
      where: { action: "user.role", targetId: carol.id },
      orderBy: { id: "asc" },
      select: { actor: true, actorId: true, before: true, after: true },
    });
    expect(entries).toEqual([
      { actor: "admin token", actorId: null, before: { role: "user", email: carol.email }, after: { role: "admin", email: carol.email } },
      { actor: "admin token", actorId: null, before: { role: "admin", email: carol.email }, after: { role: "user", email: carol.email } },
    ]);
  });

  it("the role route is for admins only, and answers bad input and unknown accounts clearly", async () => {
    const dave = await signedUp();
    const mine = await dave.post(`/api/admin/users/${dave.id}/role`, { role: "admin" });
    expect(mine.status).toBe(403);
    expect(await (await dave.get("/api/account")).json()).toMatchObject({ role: "user" });
    const headers = { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, "content-type": "application/json" };
    const bad = await fetch(`${stack.web.url}/api/admin/users/${dave.id}/role`, { method: "POST", headers, body: JSON.stringify({ role: "root" }) });
    expect(bad.status).toBe(422);
    const nobody = await fetch(`${stack.web.url}/api/admin/users/${randomUUID()}/role`, { method: "POST", headers, body: JSON.stringify({ role: "admin" }) });
    expect(nobody.status).toBe(404);
    expect(await stack.db.auditEntry.count({ where: { action: "user.role", targetId: dave.id } })).toBe(0);
  });
});

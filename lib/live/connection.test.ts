import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server, type Socket } from "socket.io";
import { afterEach, describe, expect, it } from "vitest";
import { eventOdds } from "../protocol/test-events";
import { LiveConnection } from "./connection";
import { OddsStore } from "./odds-store";

/** The browser connection against an in-process Socket.IO server playing a misbehaving relay. */
describe("LiveConnection", () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  async function relayDouble() {
    const http = createServer();
    const io = new Server(http);
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => {
      io.close();
      http.close();
    });
    return { io, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` };
  }

  /**
   * A relay double that acknowledges every subscribe, sends the first a snapshot at seq 9 and then
   * drops the client with `drop`; `requests` records every subscribe.
   */
  async function droppingRelay(drop: (socket: Socket) => void) {
    const { io, url } = await relayDouble();
    const requests: unknown[] = [];
    io.on("connection", (socket) => {
      socket.on("subscribe", (request: unknown, ack: (r: unknown) => void) => {
        requests.push(request);
        if (requests.length === 1) socket.emit("odds:snapshot", { sport: "soccer_epl", seq: 9, ts: Date.now(), events: [eventOdds("e1")] });
        ack({ ok: true, sports: {}, events: [] });
        if (requests.length === 1) drop(socket);
      });
    });
    return { url, requests };
  }

  const until = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(check()).toBe(true);
  };

  it("applies valid messages, ignores a malformed delta, says so, and asks for the whole sport again", async () => {
    const { io, url } = await relayDouble();
    const requests: unknown[] = [];
    io.on("connection", (socket) => {
      socket.on("subscribe", (request: unknown, ack: (r: unknown) => void) => {
        requests.push(request);
        socket.emit("odds:snapshot", { sport: "soccer_epl", seq: 5, ts: Date.now(), events: [eventOdds("e1")] });
        ack({ ok: true, sports: { soccer_epl: { seq: 5, mode: "snapshot", replayed: 0 } }, events: [] });
        if (requests.length === 1) {
          socket.emit("odds:delta", { sport: "soccer_epl", seq: 6, prevSeq: 5, ts: Date.now(), byEvent: { e1: ["markets.h2h.outcomes.home.price", "lots"] } });
        }
      });
    });
    const store = new OddsStore();
    const connection = new LiveConnection(url, store);
    cleanups.push(() => connection.close());
    connection.follow("soccer_epl");
    connection.connect();
    await until(() => requests.length === 2);
    expect(requests).toEqual([{ sports: ["soccer_epl"] }, { sports: ["soccer_epl"] }]); // the second: no resume, a fresh snapshot
    expect(store.seq("soccer_epl")).toBe(5);
    expect(store.event("soccer_epl", "e1")?.markets.h2h?.outcomes.home?.price).toBe(2.1);
    expect(connection.status().error).toContain("ignored a malformed delta for soccer_epl");
  });

  it("tells onSubscribed listeners once the relay acknowledged a subscription, with its events; not when it refused", async () => {
    const { io, url } = await relayDouble();
    let refuse = true;
    io.on("connection", (socket) => {
      socket.on("subscribe", (_request: unknown, ack: (r: unknown) => void) => {
        if (refuse) return ack({ ok: false, error: { code: "unavailable", message: "not yet" } });
        ack({ ok: true, sports: { soccer_epl: { seq: 0, mode: "snapshot", replayed: 0 } }, events: ["e1"] });
      });
    });
    const connection = new LiveConnection(url, new OddsStore());
    cleanups.push(() => connection.close());
    const heard: string[][] = [];
    connection.onSubscribed((events) => heard.push(events));
    connection.followEvent("soccer_epl", "e1");
    connection.connect();
    await until(() => connection.status().error !== null);
    expect(heard).toEqual([]);
    refuse = false;
    connection.followEvent("soccer_epl", "e1"); // subscribes again while connected
    await until(() => heard.length === 1);
    expect(heard).toEqual([["e1"]]);
  });

  it("shows a full relay's own refusal and connects by itself once the relay admits it", async () => {
    const { io, url } = await relayDouble();
    let handshakes = 0;
    io.use((_socket, next) => {
      handshakes += 1;
      if (handshakes > 1) return next();
      const message = "at most 50 connections per address; close another tab or try again shortly";
      next(Object.assign(new Error("too_many_connections"), { data: { code: "too_many_connections", message } }));
    });
    const connection = new LiveConnection(url, new OddsStore());
    cleanups.push(() => connection.close());
    connection.connect();
    await until(() => connection.status().error !== null);
    expect(connection.status()).toMatchObject({
      state: "reconnecting",
      error: "the live server refused the connection: at most 50 connections per address; close another tab or try again shortly",
    });
    await until(() => connection.status().state === "live"); // the first retry waits 0.5–1 s
    expect(handshakes).toBe(2);
    expect(connection.status().error).toBeNull();
  });

  it("comes back by itself after the relay cuts it as a slow consumer, shows why meanwhile, and resumes", async () => {
    const { url, requests } = await droppingRelay((socket) => {
      socket.emit("error", { code: "slow_consumer", message: "too slow: behind for over 30000 ms; reconnect and resume" });
      socket.disconnect(true); // a server disconnect: Socket.IO would not reconnect by itself
    });
    const connection = new LiveConnection(url, new OddsStore());
    cleanups.push(() => connection.close());
    const seen: string[] = [];
    connection.onStatus(() => seen.push(`${connection.status().state} ${connection.status().error ?? ""}`.trim()));
    connection.follow("soccer_epl");
    connection.connect();
    await until(() => requests.length === 2); // the first retry waits 0.5–1 s
    expect(requests[1]).toEqual({ sports: ["soccer_epl"], resume: { soccer_epl: 9 }, replay: "merged" });
    expect(seen).toContain("reconnecting slow_consumer: too slow: behind for over 30000 ms; reconnect and resume");
    await until(() => connection.status().state === "live");
    expect(connection.status().error).toBeNull();
  });

  it("hands the relay's stats to listeners, and drops malformed ones", async () => {
    const { io, url } = await relayDouble();
    const stats = { ts: 1, sent: 12, conflated: 3, dropped: 1, bufferedBytes: 0, slow: false, lag: { soccer_epl: { seq: 40, behind: 0, ms: 0 } } };
    io.on("connection", (socket) => {
      socket.emit("stats", { ...stats, sent: -1 });
      socket.emit("stats", stats);
    });
    const connection = new LiveConnection(url, new OddsStore());
    cleanups.push(() => connection.close());
    const heard: unknown[] = [];
    connection.on("stats", (s) => heard.push(s));
    connection.connect();
    await until(() => heard.length === 1);
    expect(heard).toEqual([stats]);
  });

  it("takes the relay's error only when it parses: a malformed one changes nothing", async () => {
    const { io, url } = await relayDouble();
    io.on("connection", (socket) => {
      socket.emit("error", { code: "token_expired" }); // no message
      socket.emit("error", { code: "no_such_code", message: "?" });
      socket.emit("error", "token_expired");
      socket.emit("error", { code: "token_expired", message: "the token ran out" });
    });
    let expired = 0;
    const connection = new LiveConnection(url, new OddsStore(), { onTokenExpired: () => (expired += 1) });
    cleanups.push(() => connection.close());
    const errors: (string | null)[] = [];
    connection.onStatus(() => errors.push(connection.status().error));
    connection.connect();
    await until(() => connection.status().error !== null);
    expect(connection.status()).toMatchObject({
      error: "token_expired: the token ran out",
      relayError: { code: "token_expired", message: "the token ran out" },
    });
    expect(errors.filter((error) => error !== null)).toEqual(["token_expired: the token ran out"]);
    expect(expired).toBe(1);
  });

  it("does not take a malformed subscribe ack for a subscription, and says so", async () => {
    const { io, url } = await relayDouble();
    io.on("connection", (socket) => {
      socket.on("subscribe", (_request: unknown, ack: (r: unknown) => void) => ack({ ok: true, sports: "soccer_epl" }));
    });
    const connection = new LiveConnection(url, new OddsStore());
    cleanups.push(() => connection.close());
    const heard: string[][] = [];
    connection.onSubscribed((events) => heard.push(events));
    connection.follow("soccer_epl");
    connection.connect();
    await until(() => connection.status().error !== null);
    expect(connection.status().error).toBe("the live server answered a subscription with something unexpected");
    expect(heard).toEqual([]);
  });

  it("resumes from the seq it holds after the server drops it", async () => {
    const { url, requests } = await droppingRelay((socket) => setTimeout(() => socket.conn.close(), 20)); // a dropped transport, not a server "disconnect"
    const connection = new LiveConnection(url, new OddsStore());
    cleanups.push(() => connection.close());
    connection.follow("soccer_epl");
    connection.connect();
    await until(() => requests.length === 2);
    expect(requests[1]).toEqual({ sports: ["soccer_epl"], resume: { soccer_epl: 9 }, replay: "merged" });
    expect(connection.status().state).toBe("live");
  });
});

import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { Client, type ClientContext, type RelaySocket } from "./client";
import { makeFilter } from "./filters";
import { createMetrics } from "./metrics";

/** A socket and its Engine.IO connection as far as a Client uses them, recording rooms and what is sent. */
function fakeSocket() {
  const conn = Object.assign(new EventEmitter(), { readyState: "open", transport: { writable: true, name: "websocket" }, close: () => undefined });
  const rooms = new Set<string>(["sid"]);
  const sent: { event: string; args: unknown[] }[] = [];
  const socket = Object.assign(new EventEmitter(), {
    id: "sid",
    connected: true,
    handshake: { address: "127.0.0.1" },
    conn,
    rooms,
    join: (room: string | string[]) => {
      for (const r of [room].flat()) rooms.add(r);
    },
    leave: (room: string) => rooms.delete(room),
    disconnect: () => {
      socket.connected = false;
      rooms.clear();
      EventEmitter.prototype.emit.call(socket, "disconnect", "server namespace disconnect");
    },
  });
  // A Client's messages go out through emit; "disconnect" is the socket's own event, as above.
  (socket as unknown as { emit: (event: string, ...args: unknown[]) => boolean }).emit = (event, ...args) => sent.push({ event, args }) > 0;
  return { socket, rooms, sent };
}

function setup(identity: ConstructorParameters<typeof Client>[1] = null) {
  const fake = fakeSocket();
  const metrics = createMetrics();
  const closed: Client[] = [];
  const context: ClientContext = {
    rate: { perSec: 10, burst: 10 },
    seqOf: () => 7,
    voids: () => false,
    metrics,
    written: () => undefined,
    released: () => undefined,
    closed: (client) => closed.push(client),
  };
  const client = new Client(fake.socket as unknown as RelaySocket, identity, context);
  return { ...fake, client, closed, metrics };
}

const admin = { sub: "u1", role: "admin" as const, exp: Math.floor(Date.now() / 1000) + 300, iatMs: Date.now() };

describe("Client", () => {
  it("joins its identity's private rooms and its subscriptions' rooms through its parts", () => {
    const { client, rooms } = setup(admin);
    client.subscriptions.joinSport("soccer_epl", makeFilter(["h2h"]));
    client.subscriptions.joinEvent("e1", makeFilter());
    expect([...rooms].sort()).toEqual(["admins", "chat:e1", "event:e1", "sid", "sport:soccer_epl|m=h2h", "user:u1"]);
    expect(client.rooms().sort()).toEqual(["admins", "chat:e1", "event:e1", "sport:soccer_epl|m=h2h", "user:u1"]);
    client.close({ kind: "disconnected", detail: "test over" });
  });

  it("closes once, whoever calls first: every room left, the identity forgotten, the hub told", () => {
    const { client, rooms, closed, socket } = setup(admin);
    client.subscriptions.joinSport("soccer_epl", makeFilter());
    socket.disconnect();
    client.close({ kind: "flood" });
    expect(closed).toEqual([client]);
    expect(client.connected).toBe(false);
    expect(client.identity.current).toBeNull();
    expect(client.subscriptions.count()).toBe(0);
    expect(rooms.size).toBe(0);
  });

  it("a slow consumer is told why, then disconnected by the relay", () => {
    const { client, sent, socket, closed } = setup();
    client.close({ kind: "slow_consumer", message: "too slow" });
    expect(sent.map((s) => s.event)).toEqual(["error"]);
    expect(sent[0]?.args[0]).toEqual({ code: "slow_consumer", message: "too slow" });
    expect(socket.connected).toBe(false);
    expect(closed).toHaveLength(1); // the disconnect that followed closed nothing twice
  });

  it("takes on a token the relay heard revoked only long enough to leave its rooms and say so", () => {
    const fake = fakeSocket();
    const context = {
      rate: { perSec: 1, burst: 1 },
      seqOf: () => null,
      voids: () => true,
      metrics: createMetrics(),
      written: () => undefined,
      released: () => undefined,
      closed: () => undefined,
    };
    const client = new Client(fake.socket as unknown as RelaySocket, admin, context);
    expect(client.identity.current).toBeNull();
    expect([...fake.rooms]).toEqual(["sid"]);
    expect(fake.sent.map((s) => (s.args[0] as { code: string }).code)).toEqual(["token_revoked"]);
  });
});

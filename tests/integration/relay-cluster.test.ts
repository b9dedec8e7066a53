// Over 300 lines: what instances behind one port must agree on, against a real two-instance cluster.
import http from "node:http";
import { Redis } from "ioredis";
import { type Socket, io } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { signRelayToken } from "../../lib/accounts/relay-token";
import { CHANNELS, type ClientToServerEvents, type EventOdds, type PingResult, type ServerToClientEvents } from "../../lib/protocol";
import { eventOdds, market, outcome as testOutcome } from "../../lib/protocol/test-events";
import type { ClusterView } from "../../vps/cluster";
import { BoardWriter } from "../support/board-writer";
import { type TestClient, connectClient } from "../support/client";
import { until } from "../support/full-stack";
import { type LiveClient, liveClient, sequenceReport } from "../support/live-client";
import { sample } from "../support/metrics";
import { type Pm2Relay, startPm2Relay } from "../support/pm2";
import { type RedisService, startRedisServer } from "../support/services";
import { TEST_JWT_SECRET } from "../support/stack";

const SOCCER = "soccer_epl";
const NBA = "basketball_nba";
const LEADER = "cluster-test#1";
const PRICE = "markets.h2h.outcomes.home.price";
type Sport = typeof SOCCER | typeof NBA;
/** The one event of each sport. */
const EVENT = { [SOCCER]: "e1", [NBA]: "n1" };

/** What a client asked for; every kind has clients on every instance. */
type Kind = "sport" | "watcher" | "other" | "alice" | "admin";

interface Placed {
  kind: Kind;
  client: TestClient;
  instanceId: string;
  /** The seq of the snapshot the client's subscribe brought. */
  from: number;
}

/**
 * The relay as `pm2 start ecosystem.config.cjs --only ws-server` runs it with RELAY_INSTANCES=2:
 * PM2 cluster mode, both instances on one port, each new connection going to the next instance.
 * Deltas are committed through the publisher's real state store (state, seq, history and the
 * publish in one Lua script); the other channels are published as their producers do.
 */
describe("relay in PM2 cluster mode (RELAY_INSTANCES=2)", () => {
  let redis: RedisService;
  let bus: Redis;
  let writers: Record<Sport, BoardWriter>;
  let relay: Pm2Relay;
  let instanceIds: string[] = [];
  const placed: Placed[] = [];
  const live: LiveClient[] = [];

  /** Commits one delta for `sport` moving its event's home price, as the publisher's tick would. */
  const commit = async (sport: Sport) => {
    const price = Math.round((2 + writers[sport].seq / 100) * 100) / 100;
    await writers[sport].commit([{ eventId: EVENT[sport], path: PRICE, value: price }]);
  };

  const publish = (channel: string, message: object) => bus.publish(channel, JSON.stringify(message));

  beforeAll(async () => {
    redis = await startRedisServer();
    bus = new Redis(redis.url);
    await BoardWriter.lead(bus, LEADER);
    writers = { [SOCCER]: new BoardWriter(bus, SOCCER, LEADER), [NBA]: new BoardWriter(bus, NBA, LEADER) };
    // The board as a publisher leaves it: one event per sport, at seq 1.
    for (const sport of [SOCCER, NBA] as const) {
      await writers[sport].commit([{ eventId: EVENT[sport], path: "", value: fixture(EVENT[sport], sport) }]);
    }
    relay = await startPm2Relay(redis.url, 2);
    instanceIds = [...new Set(await relay.listening())].sort();
  });

  afterAll(async () => {
    for (const { client } of placed) client.close();
    for (const client of live) client.connection.close();
    await relay?.stop();
    bus?.disconnect();
    await redis?.stop();
  });

  const showLogsOnFailure = () => onTestFailed(async () => console.log(await relay.logTail()));

  /**
   * Connects clients of one kind until every instance holds at least one, each learning from
   * `ping` which instance took it. Socket.IO gives no other way to tell: both share the port.
   */
  const placeOnEveryInstance = async (kind: Kind, subscribe: object, token?: string) => {
    const mine: Placed[] = [];
    for (let tries = 0; tries < 20 && !instanceIds.every((id) => mine.some((p) => p.instanceId === id)); tries += 1) {
      const client = await connectClient(relay.url, { token });
      const ping = await client.emit<PingResult>("ping");
      if (!ping.ok) throw new Error(`ping refused: ${ping.error.message}`);
      const ack = await client.emit<{ sports: Record<string, { seq: number }> }>("subscribe", subscribe);
      if (!ack.ok) throw new Error(`subscribe refused: ${ack.error.message}`);
      const [sport] = Object.keys(ack.sports);
      mine.push({ kind, client, instanceId: ping.instanceId, from: ack.sports[sport ?? ""]?.seq ?? -1 });
    }
    placed.push(...mine);
    return mine;
  };

  it("spreads connections over both instances, and /health on the shared port lists both through the adapter", async () => {
    showLogsOnFailure();
    expect(instanceIds).toHaveLength(2);
    // Without RELAY_INSTANCE_ID each instance is hostname:pid, plus PM2's instance number.
    expect(instanceIds.map((id) => id.replace(/^.*#/, "#")).sort()).toEqual(["#0", "#1"]);
    const alice = await token("alice", "user");
    const admin = await token("root", "admin");
    await placeOnEveryInstance("sport", { sports: [SOCCER] });
    await placeOnEveryInstance("watcher", { sports: [SOCCER], events: ["e1"] });
    await placeOnEveryInstance("other", { sports: [NBA] });
    await placeOnEveryInstance("alice", { sports: [SOCCER] }, alice);
    await placeOnEveryInstance("admin", { sports: [SOCCER] }, admin);
    for (const kind of ["sport", "watcher", "other", "alice", "admin"] satisfies Kind[]) {
      expect(new Set(placed.filter((p) => p.kind === kind).map((p) => p.instanceId)), kind).toEqual(new Set(instanceIds));
    }
    for (const p of placed) expect(p.from).toBe(1);

    // Each fresh TCP connection goes to the next instance: ask until both have answered.
    const answers = new Map<string, { instanceId: string; cluster: ClusterView }>();
    for (let tries = 0; tries < 10 && answers.size < 2; tries += 1) {
      const health = JSON.parse((await getFresh(`${relay.url}/health`)).body) as { instanceId: string; cluster: ClusterView };
      answers.set(health.instanceId, health);
    }
    expect([...answers.keys()].sort()).toEqual(instanceIds);
    for (const [self, health] of answers) {
      const view = health.cluster;
      expect(view.complete).toBe(true);
      expect(view.instances[0]?.instanceId).toBe(self);
      expect(view.instances.map((i) => i.instanceId).sort()).toEqual(instanceIds);
      for (const instance of view.instances)
        expect(instance.connections, instance.instanceId).toBe(placed.filter((p) => p.instanceId === instance.instanceId).length);
      expect(view.connections).toBe(placed.length);
    }

    // /metrics/cluster, wherever it lands, holds every instance's series, labelled by instance.
    const answeredBy = new Set<string>();
    for (let tries = 0; tries < 10 && answeredBy.size < 2; tries += 1) {
      const scrape = await getFresh(`${relay.url}/metrics/cluster`);
      expect(scrape.status).toBe(200);
      // The instance that answered lists its own series first.
      answeredBy.add(/^relay_connections\{relay="([^"]+)"\}/m.exec(scrape.body)?.[1] ?? "");
      expect(scrape.body).toMatch(/^relay_cluster_complete 1$/m);
      for (const id of instanceIds) {
        expect(sample(scrape.body, "relay_connections", `relay="${id}"`), id).toBe(placed.filter((p) => p.instanceId === id).length);
        expect(scrape.body).toContain(`relay_process_start_time_seconds{relay="${id}"}`);
      }
    }
    expect([...answeredBy].sort()).toEqual(instanceIds);
  });

  it("delivers every delta to every client exactly once and in order, and each bus message once to each client in its rooms", async () => {
    showLogsOnFailure();
    expect(placed.length).toBeGreaterThanOrEqual(10);
    const ROUNDS = 30;
    for (let k = 1; k <= ROUNDS; k += 1) {
      await commit(SOCCER);
      if (k % 2 === 0) await commit(NBA);
      if (k % 5 === 0) {
        const ts = Date.now();
        await publish(CHANNELS.eventUpdates, {
          v: 1,
          type: "event:update",
          eventId: "e1",
          sport: SOCCER,
          status: "active",
          phase: "live",
          score: { home: k, away: 0 },
          ts,
        });
        await publish(CHANNELS.chatMessages, {
          v: 1,
          type: "chat:message",
          id: `m${k}`,
          eventId: "e1",
          user: { id: "u1", name: "Ann" },
          text: `message ${k}`,
          ts,
        });
        await publish(CHANNELS.userUpdates, { v: 1, type: "user:update", userId: "alice", kind: "balance", balance: k, balanceEntry: k, ts });
        await publish(CHANNELS.adminEvents, { v: 1, type: "admin:event", kind: "publisher_started", data: { intervalMs: 100 + k, by: "cluster-test" }, ts });
      }
    }
    // The markers: a last delta in each sport, committed on the same Redis connection after every
    // message above. Each relay receives the channels in publish order and each socket its
    // messages in emit order, so once a client has its marker, whatever was meant for it is in.
    await commit(SOCCER);
    await commit(NBA);
    const sportOf = (p: Placed) => (p.kind === "other" ? NBA : SOCCER);
    await Promise.all(placed.map((p) => p.client.waitFor("odds:delta", (d) => d.sport === sportOf(p) && d.seq === writers[sportOf(p)].seq, 20_000)));

    const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
    const perFive = range(1, ROUNDS).filter((k) => k % 5 === 0);
    for (const p of placed) {
      const label = `${p.kind} on ${p.instanceId}`;
      const deltas = p.client.of("odds:delta");
      expect(
        deltas.map((d) => d.sport).every((s) => s === sportOf(p)),
        label,
      ).toBe(true);
      expect(
        deltas.map((d) => d.seq),
        label,
      ).toEqual(range(p.from + 1, writers[sportOf(p)].seq));
      expect(
        deltas.every((d) => d.prevSeq === d.seq - 1),
        label,
      ).toBe(true);
      expect(
        p.client.of("odds:snapshot").map((s) => s.seq),
        label,
      ).toEqual([p.from]);
      // Event updates go to the event's room and its sport's room: once to anyone in either or both.
      expect(
        p.client.of("event:update").map((u) => u.score?.home),
        label,
      ).toEqual(sportOf(p) === SOCCER ? perFive : []);
      expect(
        p.client.of("chat:message").map((m) => m.id),
        label,
      ).toEqual(p.kind === "watcher" ? perFive.map((k) => `m${k}`) : []);
      expect(
        p.client.of("user:update").map((u) => (u.kind === "balance" ? u.balance : null)),
        label,
      ).toEqual(p.kind === "alice" ? perFive : []);
      expect(
        p.client.of("admin:event").map((e) => (e.kind === "publisher_started" ? e.data.intervalMs : null)),
        label,
      ).toEqual(p.kind === "admin" ? perFive.map((k) => 100 + k) : []);
    }
  });

  it("refuses HTTP long-polling with 403 and a reason: its requests would land on either instance", async () => {
    showLogsOnFailure();
    const answers = await Promise.all([0, 1].map(() => getFresh(`${relay.url}/socket.io/?EIO=4&transport=polling`)));
    for (const answer of answers) {
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.body).message).toMatch(/WebSocket connections only.*transports: \["websocket"\]/);
    }
    // Socket.IO's default client starts with polling: it is refused at once, never half-connected.
    const socket = io(relay.url, { reconnection: false, forceNew: true });
    try {
      const error = await new Promise<Error & { description?: unknown }>((resolve, reject) => {
        socket.once("connect", () => reject(new Error("a polling client connected")));
        socket.once("connect_error", resolve);
      });
      expect(error.description).toBe(403);
    } finally {
      socket.close();
    }
  });

  it("a killed instance's clients reconnect to the other and resume without a gap; PM2 starts it again", async () => {
    showLogsOnFailure();
    // The page's own client (LiveConnection + store), which resubscribes with `resume` after a
    // reconnect: two or more on each instance.
    const [victimId, survivorId] = instanceIds;
    const reconnected = new Set<number>();
    const liveOn: string[] = [];
    const start = { [SOCCER]: writers[SOCCER].seq, [NBA]: writers[NBA].seq };
    const count = (id: string | undefined) => liveOn.filter((on) => on === id).length;
    for (let i = 0; i < 16 && (count(victimId) < 2 || count(survivorId) < 2); i += 1) {
      const client = liveClient(relay.url, [SOCCER, NBA]);
      client.connection.onReconnect(() => reconnected.add(i));
      live.push(client);
      await until(async () => client.store.seq(SOCCER) === writers[SOCCER].seq && client.store.seq(NBA) === writers[NBA].seq, 20_000, "live client subscribed");
      liveOn.push(await relayInstanceOf(client));
    }
    expect(count(victimId)).toBeGreaterThanOrEqual(2);
    expect(count(survivorId)).toBeGreaterThanOrEqual(2);
    const instanceNumber = Number(victimId?.replace(/^.*#/, ""));
    const victim = (await relay.workers()).find((w) => w.instance === instanceNumber);
    if (!victim || !survivorId) throw new Error(`no worker for ${victimId}`);
    const onVictim = placed.filter((p) => p.instanceId === victimId);
    const onSurvivor = placed.filter((p) => p.instanceId === survivorId);
    process.kill(victim.pid, "SIGKILL");

    // Prices keep moving while the victim's clients are away, until every one is back and has
    // missed at least a few deltas.
    await until(async () => onVictim.every((p) => !p.client.socket.connected), 10_000, "the victim's sockets dropped");
    const afterKill = writers[SOCCER].seq;
    await until(
      async () => {
        await commit(SOCCER);
        await commit(NBA);
        return writers[SOCCER].seq - afterKill >= 5 && reconnected.size >= count(victimId) && live.every((c) => c.connection.status().state === "live");
      },
      30_000,
      "the victim's live clients back",
    );
    await commit(SOCCER);
    await commit(NBA);
    await until(
      async () => live.every((c) => c.store.seq(SOCCER) === writers[SOCCER].seq && c.store.seq(NBA) === writers[NBA].seq),
      20_000,
      "live clients caught up",
    );
    for (const p of onSurvivor) await p.client.waitFor("odds:delta", (d) => d.seq === writers[p.kind === "other" ? NBA : SOCCER].seq);

    // Exactly the victim's clients reconnected; the survivor's never dropped.
    expect([...reconnected].sort((a, b) => a - b)).toEqual(liveOn.flatMap((on, i) => (on === victimId ? [i] : [])));
    for (const [i, client] of live.entries()) {
      for (const sport of [SOCCER, NBA] as const) {
        const report = sequenceReport(client.store.received.get(sport) ?? []);
        expect(report, `live client ${i} ${sport}`).toEqual({ first: start[sport], last: writers[sport].seq, duplicates: [], gaps: [], resyncs: 0 });
      }
    }
    expect(onSurvivor.every((p) => p.client.socket.connected)).toBe(true);

    // PM2 restarts the instance (a new process, so a new id), and the adapter sees it join.
    await until(
      async () => (await relay.workers()).some((w) => w.instance === instanceNumber && w.pid !== victim.pid && w.status === "online"),
      30_000,
      "PM2 restarted the instance",
    );
    await until(
      async () => {
        const health = JSON.parse((await getFresh(`${relay.url}/health`)).body) as { cluster: ClusterView };
        const ids = health.cluster.instances.map((i) => i.instanceId);
        return health.cluster.complete && ids.length === 2 && ids.includes(survivorId) && !ids.includes(victimId ?? "");
      },
      30_000,
      "the restarted instance in the cluster view",
    );
  });
});

/**
 * Which relay instance holds a page client's connection, from its `ping`. The page's connection
 * keeps its socket to itself; the test reaches in rather than widen the browser client for it.
 */
async function relayInstanceOf(client: LiveClient): Promise<string> {
  const { socket } = client.connection as unknown as { socket: Socket<ServerToClientEvents, ClientToServerEvents> };
  const ack = await socket.timeout(5_000).emitWithAck("ping");
  if (!ack.ok) throw new Error(`ping refused: ${ack.error.message}`);
  return ack.instanceId;
}

/** GET over a connection of its own (no keep-alive), so each request may reach another instance. */
function getFresh(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on("error", reject);
  });
}

async function token(sub: string, role: "user" | "admin"): Promise<string> {
  return (await signRelayToken({ sub, role }, TEST_JWT_SECRET, Date.now())).token;
}

function fixture(id: string, sport: string): EventOdds {
  const outcome = (name: string, price: number, fair: number) => testOutcome(price, { name, fair, edge: 0 });
  const markets = { h2h: market("h2h", { home: outcome("Home", 2, 0.45), away: outcome("Away", 1.8, 0.55) }) };
  return eventOdds(id, { sport, league: "League", home: "A", away: "B", title: "A vs B", markets });
}

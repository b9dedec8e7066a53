import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Db } from "../db";
import { LeaderLease } from "../lease";
import type { Logger } from "../log";
import { HEARTBEAT_MAX_MS, KEYS } from "../protocol";
import type { AdminNotices } from "./admin-notices";
import type { PublisherMetrics } from "./metrics";
import type { PricingConfig } from "./pricing";
import { Publisher } from "./publisher";
import { SportCatalogueWriter, activeSports } from "./sport-catalogue";
import type { StateStore } from "./state-store";

export interface LeaderTermDeps {
  db: Db;
  redis: Redis;
  store: StateStore;
  pricing: PricingConfig;
  instanceId: string;
  /** PUBLISHER_LEADER_TTL_MS. */
  leaderTtlMs: number;
  log: Logger;
  metrics: Pick<PublisherMetrics, "leader">;
  notices: Pick<AdminNotices, "tell">;
}

/**
 * The control step's period, ms: it renews the lease (three times per TTL) and sends the
 * heartbeat, so it is never slower than a second, whatever the lease, or relays would call a
 * healthy feed stale.
 */
export function controlPeriodMs(leaderTtlMs: number): number {
  return Math.max(100, Math.min(HEARTBEAT_MAX_MS, Math.floor(leaderTtlMs / 3)));
}

/**
 * This process's hold on the publisher lease and, while it leads, its term: since when, an opaque
 * id of the term, and the term's own Publisher (a fresh one each term, so a new leader loads the
 * board from Redis and reconciles).
 */
export class LeaderTerm {
  private readonly lease: LeaderLease;
  private startedAt: number | null = null;
  private termId = "";
  private termPublisher: Publisher | null = null;
  /** The active sports in Redis for the web app, kept by whoever leads. */
  private readonly catalogue: SportCatalogueWriter;

  constructor(private readonly deps: LeaderTermDeps) {
    this.lease = new LeaderLease(deps.redis, deps.instanceId, deps.leaderTtlMs);
    this.catalogue = new SportCatalogueWriter(() => activeSports(deps.db), deps.redis, deps.log);
  }

  /** The lease's fencing token while this process believes it leads, else null. */
  get token(): string | null {
    return this.lease.token;
  }

  /** When this term began, ms since epoch; null while standing by. */
  get since(): number | null {
    return this.startedAt;
  }

  get leading(): boolean {
    return this.startedAt !== null;
  }

  /**
   * An opaque id of this term, on every board summary: receivers order one leader's summaries by
   * time, and take a new leader's first one whatever its clock says.
   */
  get id(): string {
    return this.termId;
  }

  /** The term's publisher (null until this process first leads). */
  get publisher(): Publisher | null {
    return this.termPublisher;
  }

  /**
   * Renews the lease, or takes a free one: whether we hold it. On a Redis error, forgets it and
   * throws. While leading, also refreshes the sport catalogue when due (in the background).
   */
  async hold(): Promise<boolean> {
    try {
      const held = await this.lease.acquireOrRenew();
      if (held && this.leading) void this.catalogue.refresh(Date.now());
      return held;
    } catch (error) {
      this.lease.drop();
      throw error;
    }
  }

  /**
   * Takes up the lease just won: a fresh publisher for this term, and the admins told who led
   * before (the last leader's report names it; null when there is none, e.g. after Redis lost
   * its data). Read before this leader's first report overwrites it.
   */
  async begin(): Promise<void> {
    const { redis, instanceId, log } = this.deps;
    const previous = await redis.hget(KEYS.publisherStatus, "instanceId").catch(() => null);
    this.deps.notices.tell("leader_changed", { instanceId: instanceId.slice(0, 128), previous: previous ? previous.slice(0, 128) : null });
    this.startedAt = Date.now();
    this.termId = randomUUID();
    this.deps.metrics.leader.set(1);
    void this.catalogue.refresh(this.startedAt, true);
    this.termPublisher = new Publisher({ db: this.deps.db, redis, store: this.deps.store, pricing: this.deps.pricing, token: () => this.lease.token, log });
    log.info({ instanceId }, "became the leader");
  }

  /** The board now holds these sports: the catalogue catches up at once with one it lacks. */
  boardHas(sports: readonly string[]): void {
    if (this.leading) void this.catalogue.boardHas(sports, Date.now());
  }

  /** The lease is not ours (any more): stand by. */
  end(): void {
    if (this.startedAt !== null) this.deps.log.warn("no longer the leader; standing by");
    this.startedAt = null;
    this.deps.metrics.leader.set(0);
  }

  /** Forgets the lease locally: a commit found another holder's token. */
  drop(): void {
    this.lease.drop();
  }

  /** Gives the lease up so a standby takes over at once; errors are ignored. */
  async release(): Promise<void> {
    await this.lease.release().catch(() => {});
  }
}

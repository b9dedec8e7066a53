import type { Redis } from "ioredis";
import type { Db } from "../db";
import { errorMessage } from "../errors";
import { LeaderLease } from "../lease";
import type { Logger } from "../log";
import { KEYS, type Producer } from "../protocol";
import type { ProductionReport, Role } from "./heartbeat";
import { type Fence, type FencedError, fenceOf, takeTerm } from "./producer-term";

/**
 * What the lease holder runs: the simulator or The Odds API poller. `start` begins producing
 * under a fence (every write checks the term); `stop` resolves once nothing is in flight;
 * `report` is what its beat says while it is active.
 */
export interface Production {
  start(fence: Fence): Promise<void>;
  stop(): Promise<void>;
  report(): ProductionReport;
}

/** What a production asks of the instance that runs it. */
export interface ProducerHooks {
  /** Whether it may reopen markets now: only while the publisher can see it as the live producer. */
  mayReopen: () => boolean;
  /**
   * Writes a beat with what it vouches for now, after any beat in flight. A producer that has just
   * vouched afresh for a sport calls it before reopening that sport's markets, or the publisher,
   * still reading the expired vouch, would stop them again a moment later.
   */
  vouchNow: () => Promise<void>;
  /** A write found a newer term: another instance produces now. */
  fenced: (error: FencedError) => void;
}

export interface LeadershipDeps {
  db: Db;
  redis: Redis;
  producer: Producer;
  instanceId: string;
  /** The lease's lifetime, ms: a standby takes over within about this long after the holder dies. */
  ttlMs: number;
  log: Logger;
  production: Production;
  /** Told after each change of role (e.g. to beat at once). */
  changed?: (role: Role) => void;
}

/**
 * One producer instance among any number (docs/odds-source.md, "One poller"): it competes for the
 * producer's lease in Redis (KEYS.producerLeader), and only the holder produces. Taking the lease,
 * it raises the producer's term in Postgres, which fences off every write of a predecessor that
 * has not noticed it lost the lease. It stands by again when the lease is lost, Redis cannot be
 * reached, or one of its writes finds a newer term.
 */
export class FeedLeadership {
  private readonly lease: LeaderLease;
  private current: Role = "standby";
  /** The lease token the current term was taken under: a different token means the lease lapsed in between. */
  private activeToken: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private fencedBy: FencedError | null = null;
  /** Problems logged and not over yet (reaching Redis, taking the term), so a streak logs once. */
  private readonly troubles = new Set<"redis" | "term">();
  private announcedStandby = false;

  constructor(private readonly deps: LeadershipDeps) {
    this.lease = new LeaderLease(deps.redis, deps.instanceId, deps.ttlMs, KEYS.producerLeader(deps.producer));
  }

  get role(): Role {
    return this.current;
  }

  /** The control step's period, ms: three renewals per lease lifetime, and at least one a second. */
  get stepEveryMs(): number {
    return Math.max(100, Math.min(1_000, Math.floor(this.deps.ttlMs / 3)));
  }

  start(): void {
    this.timer = setInterval(() => this.request(), this.stepEveryMs);
    this.request();
  }

  /**
   * A write found a newer term: another instance took over. Stands by at the next step; called
   * from inside the production's own step, so it must not wait for the production to stop.
   */
  fenced(error: FencedError): void {
    if (this.fencedBy === null) this.deps.log.warn({ err: error.message }, "a write met a newer term; nothing of it was written");
    this.fencedBy ??= error;
    this.request();
  }

  /** Stops producing and hands the lease over at once (a standby need not wait for the TTL). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
    await this.standBy("shutting down");
    await this.lease.release().catch(() => {});
  }

  private request(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.step()
      .catch((error: unknown) => this.deps.log.error({ err: errorMessage(error) }, "feed leadership step failed"))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.request();
        }
      });
  }

  private async step(): Promise<void> {
    if (this.fencedBy) {
      const error = this.fencedBy;
      this.fencedBy = null;
      await this.standBy(`a newer term took over (${error.message})`);
      await this.lease.release().catch(() => {});
      return;
    }
    let reached = true;
    const leading = await this.lease.acquireOrRenew().catch((error: unknown) => {
      reached = false;
      this.lease.drop();
      this.troubled("redis", { err: errorMessage(error) }, "cannot reach Redis to hold the producer's lease");
      return false;
    });
    if (reached) this.troubles.delete("redis");
    if (!leading) {
      await this.standBy("lost the lease");
      if (reached && !this.announcedStandby) this.deps.log.info({ producer: this.deps.producer }, "standing by: another instance holds the lease");
      this.announcedStandby ||= reached;
      return;
    }
    if (this.current === "active" && this.lease.token === this.activeToken) return;
    // Leading under another token than the term's: our lease lapsed and was taken again since.
    await this.standBy("the lease lapsed in between");
    await this.activate();
  }

  /** Takes a new term for the lease just won and starts producing under it. */
  private async activate(): Promise<void> {
    let term: bigint;
    try {
      term = await takeTerm(this.deps.db, this.deps.producer, this.deps.instanceId, { lockTimeoutMs: this.stepEveryMs });
    } catch (error) {
      // Handed back, so that an instance that can reach Postgres (or this one, next step) tries.
      this.troubled("term", { err: errorMessage(error) }, "won the lease, but cannot take the producer's term yet; retrying");
      await this.lease.release().catch(() => {});
      return;
    }
    this.troubles.delete("term");
    this.activeToken = this.lease.token;
    await this.deps.production.start(fenceOf(this.deps.producer, term));
    this.current = "active";
    this.announcedStandby = false;
    this.deps.log.info({ producer: this.deps.producer, term: String(term) }, "took the producer's lease: producing");
    this.deps.changed?.("active");
  }

  private async standBy(why: string): Promise<void> {
    if (this.current !== "active") return;
    this.current = "standby";
    this.activeToken = null;
    this.deps.log.warn({ producer: this.deps.producer, why }, "standing by: stopped producing");
    await this.deps.production.stop();
    this.deps.changed?.("standby");
  }

  private troubled(kind: "redis" | "term", fields: Record<string, unknown>, message: string): void {
    if (this.troubles.has(kind)) return;
    this.troubles.add(kind);
    this.deps.log.warn(fields, message);
  }
}

import { errorMessage } from "../errors";
import type { Logger } from "../log";
import {
  PRODUCER_BEAT_MS,
  type Producer,
  type ProducerBeat,
  REASON_MAX,
  type RedisBeatWrite,
  SPORT_KEY_PATTERN,
  type SportVouch,
  writeProducerBeat,
} from "../protocol";

/**
 * Producer heartbeats (docs/odds-source.md, "Producer heartbeats"): every feed process, active or
 * standby, writes a ProducerBeat every PRODUCER_BEAT_MS. The publishing leader reads them to judge
 * whether the expected producer is up and which sports' prices it still vouches for.
 */

export type Role = ProducerBeat["role"];

/** What a producing instance says about its own production. */
export interface ProductionReport {
  state: ProducerBeat["state"];
  /** Why the state is not ok (null when it is); shown to bettors, so never a key, a URL or SQL. */
  reason: string | null;
  /** When it last wrote prices, ms since epoch. */
  lastProducedAt: number | null;
  /** Per sport it feeds: until when it vouches for its prices, and its events in play. */
  sports: Record<string, SportVouch>;
}

export interface BeatIdentity {
  producer: Producer;
  instanceId: string;
}

/**
 * One instance's beat. An active instance reports its production; a standby vouches for no sport
 * and reports itself ok (it has nothing to fail at), keeping only when it last produced.
 * @param at ms since epoch
 */
export function beatOf(identity: BeatIdentity, role: Role, report: ProductionReport, at: number): ProducerBeat {
  const active = role === "active";
  const sports = active ? Object.fromEntries(Object.entries(report.sports).filter(([sport]) => SPORT_KEY_PATTERN.test(sport))) : {};
  return {
    v: 1,
    producer: identity.producer,
    instanceId: identity.instanceId.slice(0, 128),
    role,
    at,
    lastProducedAt: report.lastProducedAt,
    state: active ? report.state : "ok",
    reason: active && report.reason !== null ? report.reason.slice(0, REASON_MAX) : null,
    sports,
  };
}

export interface HeartbeatDeps {
  redis: RedisBeatWrite;
  log: Logger;
  /** The beat to write now. */
  read: (now: number) => ProducerBeat;
  now?: () => number;
}

/**
 * Writes this instance's beat at once and then every PRODUCER_BEAT_MS. A write that fails (Redis
 * away) is logged once per streak and never stops production: the publisher's silence limit is
 * what reads a missing beat.
 */
export class Heartbeat {
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private failing = false;
  /** When a beat as the active producer last reached Redis, ms since epoch. */
  private activeLandedAt: number | null = null;

  constructor(private readonly deps: HeartbeatDeps) {
    this.now = deps.now ?? Date.now;
  }

  start(): void {
    this.timer = setInterval(() => void this.beat(), PRODUCER_BEAT_MS);
    void this.beat();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.writing;
  }

  /** Writes a beat now (none while one is in flight). Never throws. */
  beat(): Promise<void> {
    this.writing ??= this.write().finally(() => {
      this.writing = null;
    });
    return this.writing;
  }

  /** Writes a beat read from the state as it is now: after the one in flight, which may have been read before. Never throws. */
  async beatAfresh(): Promise<void> {
    await this.writing;
    await this.beat();
  }

  /**
   * Whether a beat as the active producer reached Redis within the last `ms`: whether the
   * publisher can see this instance as live. A producer reopens markets only then.
   */
  activeWithin(ms: number): boolean {
    return this.activeLandedAt !== null && this.now() - this.activeLandedAt <= ms;
  }

  private async write(): Promise<void> {
    const beat = this.deps.read(this.now());
    try {
      await writeProducerBeat(this.deps.redis, beat);
      // A standby's beat that landed means the publisher no longer sees this instance as active.
      this.activeLandedAt = beat.role === "active" ? beat.at : null;
      if (this.failing) this.deps.log.info("producer beats reach Redis again");
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.deps.log.warn({ err: errorMessage(error) }, "cannot write the producer beat; producing on, and retrying every beat");
      this.failing = true;
    }
  }
}

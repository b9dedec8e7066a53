import type { Redis } from "ioredis";
import type { Db } from "../db";
import { errorMessage } from "../errors";
import type { Logger } from "../log";
import {
  type FeedState,
  type FeedStatusMessage,
  KEYS,
  type Producer,
  REASON_MAX,
  TRUST_TTL_MS,
  TrustRecord,
  readProducerBeats,
  readSummary,
  sportsOnBoard,
} from "../protocol";
import { databaseNow, suspendInPlay } from "./bet-stop";
import { type ProducerNotice, type ProducerView, PRODUCER_TITLES, ProducerWatch, heardOf, judgeProducer } from "./producer-watch";

/**
 * The leader's side of producer liveness (docs/publisher.md, "Producer liveness"). Each control
 * step it reads the producers' beats and the board's sports, judges them (`ProducerWatch`),
 * writes the trust record bets read, tells admins when the producer went down or came back, and
 * stops bets on the in-play markets of stale sports. All of it runs in the background, one round
 * at a time, so a slow Redis or Postgres never delays the lease renewal or the heartbeat; the
 * heartbeat carries the latest judgement. The trust record is written only while this process
 * holds the publisher's lease (checked inside Redis, as state commits are), so a deposed leader
 * that has not noticed yet cannot overwrite its successor's.
 */

/** Writes the trust record only while ARGV[1] is the publisher's lease token. KEYS: lease, record. ARGV: token, record, TTL ms. */
const WRITE_TRUST = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return 1
`;

export interface LivenessConfig {
  /** This publisher process, named in the trust record. */
  instanceId: string;
  /** The producer the deployment expects (`expectedProducer`), null when none is. */
  expected: Producer | null;
  /** PRODUCER_SILENCE_MS. */
  silenceMs: number;
}

export interface LivenessDeps {
  db: Db;
  redis: Redis;
  log: Logger;
  /** The publisher's lease token while this process believes it leads (null otherwise). */
  token(): string | null;
  /** Sends an admin event (through the runner's AdminNotices). */
  tell(notice: ProducerNotice): void;
}

/** The publisher's own state as the trust record carries it. */
export type PublisherTrust = TrustRecord["publisher"];

/**
 * The publisher's state for the trust record, from the heartbeat's own view: stopped when an
 * admin stopped it, failing when ticks fail or are late (or it has not read its decision yet).
 */
export function publisherTrust(feed: FeedState, failure: string | null): PublisherTrust {
  if (feed === "stopped") return { status: "stopped", reason: "the publisher was stopped by an admin" };
  if (feed === "stale") return { status: "failing", reason: (failure ?? "the publisher has no recent successful tick").slice(0, REASON_MAX) };
  return { status: "ok", reason: null };
}

export class ProducerLiveness {
  private readonly watch: ProducerWatch;
  private judging: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;
  /** When the latest judgement was made (0: none this term), ms. */
  private judgedAt = 0;
  /** Bumped when the lease is lost: a round of the old term in flight must not act any more. */
  private term = 0;
  private stopFailing = false;
  private invalidSeen = 0;
  /** Whether the last trust record was left unwritten because another process leads. */
  private deposed = false;

  constructor(
    private readonly deps: LivenessDeps,
    private readonly config: LivenessConfig,
  ) {
    this.watch = new ProducerWatch(config.expected, config.silenceMs);
  }

  /** Starts a round unless one is in flight. `publisher` is read when the record is written. */
  step(publisher: () => PublisherTrust): void {
    this.judging ??= this.round(publisher, this.term)
      .catch((error: unknown) =>
        this.deps.log.warn({ err: errorMessage(error) }, "cannot judge the odds producer this step; the trust record lapses unless a later step can"),
      )
      .finally(() => {
        this.judging = null;
      });
  }

  /** The lease was lost: forget this term (the next one judges afresh and announces afresh). */
  reset(): void {
    this.term += 1;
    this.judgedAt = 0;
    this.watch.reset();
  }

  /** Resolves when the round and the bet stop in flight (if any) are over. */
  async settled(): Promise<void> {
    await this.judging;
    await this.stopping;
  }

  /**
   * What the heartbeat says of the producer. Nothing before the first judgement or when none is
   * expected; a judgement older than the trust record's life is not vouched for any more.
   */
  heartbeat(now: number): Pick<FeedStatusMessage, "producer" | "staleSports"> {
    const view = this.watch.current;
    if (view === null || view.name === null) return {};
    if (now - this.judgedAt > TRUST_TTL_MS) {
      return { producer: { name: view.name, state: "down", reason: `the publisher cannot read the heartbeats of ${PRODUCER_TITLES[view.name]}` } };
    }
    const stale = Object.keys(view.staleSports).length > 0 ? { staleSports: view.staleSports } : {};
    return { producer: { name: view.name, state: view.state === "up" ? "up" : "down", reason: view.reason }, ...stale };
  }

  private async round(publisher: () => PublisherTrust, term: number): Promise<void> {
    const now = Date.now();
    const [{ beats, invalid }, summary] = await Promise.all([readProducerBeats(this.deps.redis), readSummary(this.deps.redis)]);
    if (term !== this.term) return;
    if (invalid !== this.invalidSeen) {
      this.invalidSeen = invalid;
      if (invalid > 0) this.deps.log.warn({ invalid }, "producer beats that do not parse were left out");
    }
    const { view, notice } = this.watch.observe(beats, sportsOnBoard(summary), now);
    this.judgedAt = now;
    if (notice) {
      this.deps.log.warn(notice.data, notice.kind === "producer_down" ? "the odds producer is down" : "the odds producer is back");
      this.deps.tell(notice);
    }
    // A down producer still settling (this term's first silence limit) stops bets only through the trust record.
    if (!view.settling && Object.keys(view.staleSports).length > 0) this.stopBets(term);
    await this.writeRecord(this.record(view, publisher(), now));
  }

  /** Writes the trust record while this process holds the publisher's lease; says so once when it does not. */
  private async writeRecord(record: TrustRecord): Promise<void> {
    const token = this.deps.token();
    const written =
      token !== null && (await this.deps.redis.eval(WRITE_TRUST, 2, KEYS.publisherLeader, KEYS.oddsTrust, token, JSON.stringify(record), TRUST_TTL_MS)) === 1;
    if (!written && !this.deposed) this.deps.log.warn("not the publisher's leader any more: the trust record was left to the one that is");
    this.deposed = !written;
  }

  private record(view: ProducerView, publisher: PublisherTrust, now: number): TrustRecord {
    // Parsed before it is written: a record bets cannot read would refuse every bet as "publisher down".
    return TrustRecord.parse({
      v: 1,
      at: now,
      instanceId: this.config.instanceId.slice(0, 128),
      publisher,
      producer: { name: view.name, state: view.state, reason: view.reason, since: view.since },
      staleSports: view.staleSports,
    });
  }

  /** The bet stop, in the background and one at a time; it runs again every step while a sport stays stale. */
  private stopBets(term: number): void {
    if (this.stopping) return;
    this.stopping = this.stopStale(term)
      .then((stopped) => {
        if (this.stopFailing) this.deps.log.info("bet stop runs again");
        this.stopFailing = false;
        if (stopped.markets > 0) this.deps.log.warn(stopped, "bet stop: suspended the open markets of in-play events whose prices nobody vouches for");
      })
      .catch((error: unknown) => {
        if (!this.stopFailing) this.deps.log.error({ err: errorMessage(error) }, "bet stop failed; retrying every control step");
        this.stopFailing = true;
      })
      .finally(() => {
        this.stopping = null;
      });
  }

  /**
   * Takes the database's time, then reads the beats again and suspends what is still stale and
   * has not changed since that time. A producer reopens a market only after a beat vouching for
   * it landed: either that beat is read here, or the reopening came after the time taken and is
   * left alone. Judged with the same rule as the round, without moving the watch's state.
   */
  private async stopStale(term: number): Promise<{ sports: string[]; markets: number }> {
    const since = await databaseNow(this.deps.db);
    const [{ beats }, summary] = await Promise.all([readProducerBeats(this.deps.redis), readSummary(this.deps.redis)]);
    const now = Date.now();
    if (term !== this.term || !this.watch.current || this.watch.current.settling) return { sports: [], markets: 0 };
    const judged = judgeProducer({
      expected: this.config.expected,
      beats: heardOf(beats, now),
      boardSports: sportsOnBoard(summary),
      now,
      silenceMs: this.config.silenceMs,
    });
    const sports = Object.keys(judged.staleSports);
    return { sports, markets: await suspendInPlay(this.deps.db, sports, since) };
  }
}

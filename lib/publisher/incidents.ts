import { errorMessage, outageOf } from "../errors";
import type { Logger } from "../log";
import type { AdminNotices } from "./admin-notices";
import { FailureStreak, failureReason } from "./failures";
import { type OutageNotice, OutageTracker, type Service } from "./outages";

/**
 * What goes wrong for this process and what recovers: the failure streak of its steps (ticks, or
 * reads of the desired state), logged when it starts, when its reason changes, every 30 s while
 * it lasts and when it ends; and the Postgres and Redis outages it saw while leading, told to the
 * admins. Only the leader speaks of outages, or every standby would announce the same one.
 */
export class Incidents {
  /** Consecutive failed steps (empty after a success). */
  readonly streak = new FailureStreak();
  private readonly outages = new OutageTracker();

  constructor(
    private readonly notices: Pick<AdminNotices, "tell">,
    /** Whether this process leads now. */
    private readonly leading: () => boolean,
    private readonly log: Logger,
  ) {}

  /** Counts a failure and logs it as `what` when the streak starts or its reason changes (and every 30 s). */
  failed(error: unknown, what: string): void {
    const reason = failureReason(error);
    const now = Date.now();
    if (this.streak.fail(reason, now)) {
      this.log.error({ err: errorMessage(error), reason, failures: this.streak.count }, what);
    }
    const service = outageOf(error);
    if (service && this.leading()) this.announce(this.outages.failed(service === "Postgres" ? "postgres" : "redis", reason, now));
  }

  /** A step succeeded, which proves `reached` reachable: ends the failure streak (logged as `what`) and their outages. */
  succeeded(what: string, reached: Service[]): void {
    const now = Date.now();
    const ended = this.streak.succeed(now);
    if (ended) this.log.info({ failures: ended.failures, ms: ended.ms }, what);
    this.announce(reached.flatMap((service) => this.outages.recovered(service, now)));
  }

  /** The lease could not be renewed because Redis did not answer. */
  redisFailed(error: unknown): void {
    if (this.leading()) this.announce(this.outages.failed("redis", failureReason(error), Date.now()));
  }

  /** Redis answered: a Redis outage this process saw is over, and can at last be told. */
  redisAnswered(): void {
    this.announce(this.outages.recovered("redis", Date.now()));
  }

  /** Tells the admins about outages, in order (a late Redis "down" before its "up"). */
  private announce(notices: OutageNotice[]): void {
    for (const notice of notices) {
      this.log.info(notice, `admin event: ${notice.service} ${notice.state}`);
      this.notices.tell("outage", notice);
    }
  }
}

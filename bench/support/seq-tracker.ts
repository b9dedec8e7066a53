/**
 * One client's view of the seq chain per sport, as the protocol promises it: a state at some seq
 * (a snapshot, or for a stateless baseline the first delta seen), then deltas each applying on
 * top of the seq held (`prevSeq`). A delta whose `prevSeq` is not the seq held is a gap; one at or
 * below it is a duplicate. Either is a failure of the server under test, so the tracker counts
 * them and moves on to the delta's seq. A delta spanning several seqs (`seq − prevSeq > 1`, a
 * server merging deltas for a slow client) continues the chain; the seqs it stands for are
 * counted as merged.
 */
export type DeltaOutcome = "applied" | "duplicate" | "gap";

export class SeqTracker {
  private readonly held = new Map<string, number>();
  gaps = 0;
  duplicates = 0;
  /** Snapshots flagged `resync` (a resume the server could not replay). */
  resyncs = 0;
  /** Seqs received inside merged deltas rather than one by one. */
  merged = 0;

  /**
   * @param anchor what a sport's chain starts from: `snapshot` (the relay sends one before any
   *   delta, so a delta with nothing held is a gap) or `first-delta` (a fan-out without state).
   */
  constructor(private readonly anchor: "snapshot" | "first-delta") {}

  snapshot(sport: string, seq: number, resync: boolean): void {
    const held = this.held.get(sport);
    if (resync) this.resyncs += 1;
    if (resync || held === undefined || seq >= held) this.held.set(sport, seq);
  }

  delta(sport: string, seq: number, prevSeq: number): DeltaOutcome {
    const held = this.held.get(sport);
    if (held === undefined) {
      this.held.set(sport, seq);
      if (this.anchor === "first-delta") return "applied";
      this.gaps += 1;
      return "gap";
    }
    if (seq <= held) {
      this.duplicates += 1;
      return "duplicate";
    }
    this.held.set(sport, seq);
    if (prevSeq === held) {
      this.merged += seq - prevSeq - 1;
      return "applied";
    }
    this.gaps += 1;
    return "gap";
  }

  /** What to send as `resume` after a reconnect: the seq held per sport. */
  resume(): Record<string, number> {
    return Object.fromEntries(this.held);
  }

  /** Whether every sport in `seqs` is held at that seq or later. */
  reached(seqs: Record<string, number>): boolean {
    return Object.entries(seqs).every(([sport, seq]) => (this.held.get(sport) ?? -1) >= seq);
  }
}

import type { ClientStats, SportLag } from "../lib/protocol";

/** What the stats part reads of its connection's other parts, and of the relay. */
export interface StatsSources {
  outbound: {
    readonly sent: number;
    readonly conflated: number;
    readonly dropped: number;
    readonly slow: { readonly since: number; readonly held: ReadonlyMap<string, number> } | null;
    buffered(): number;
  };
  subscriptions: { readonly sports: ReadonlyMap<string, unknown> };
  /** The relay's current seq of a sport (null: not held). */
  seqOf(sport: string): number | null;
}

/**
 * A connection's stats part: when it opened, what it sent the relay, and its delivery counters as
 * the `stats` event and the `ping` ack carry them (docs/protocol.md "Slow connections").
 */
export class ConnectionStats {
  /** Messages received from the client, refused ones included. */
  received = 0;

  constructor(
    private readonly sources: StatsSources,
    /** When the connection opened, ms since the epoch. */
    readonly connectedAt: number,
  ) {}

  /** The connection's delivery counters at `now` (ms): per sport, the seq it was handed and how far that trails. */
  delivery(now: number): ClientStats {
    const { outbound, subscriptions, seqOf } = this.sources;
    const lag: Record<string, SportLag> = {};
    for (const sport of subscriptions.sports.keys()) {
      const current = seqOf(sport) ?? 0;
      const seq = Math.min(current, outbound.slow?.held.get(sport) ?? current);
      lag[sport] = { seq, behind: current - seq, ms: current > seq && outbound.slow ? now - outbound.slow.since : 0 };
    }
    return {
      ts: now,
      sent: outbound.sent,
      conflated: outbound.conflated,
      dropped: outbound.dropped,
      bufferedBytes: outbound.buffered(),
      slow: outbound.slow !== null,
      lag,
    };
  }
}

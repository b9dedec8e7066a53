import type { IncomingHttpHeaders } from "node:http";
import { addressBucket, clientAddress as addressOf } from "../lib/client-address";

/** Which limit refused a connection: the whole relay process, or the client's address. */
export type RefusalReason = "instance" | "address";

export type Admission = { ok: true } | { ok: false; reason: RefusalReason; code: "too_many_connections"; message: string };

export interface ConnectionCaps {
  /** Live connections one relay process holds. */
  total: number;
  /** Live connections from one client address. */
  perAddress: number;
}

/**
 * Counts live connections, in total and per client address, and refuses one over either cap.
 * Pure: the relay calls `admit` when a handshake is accepted and `release` exactly once when that
 * connection ends (`limitConnections` in relay.ts makes sure of "exactly once").
 *
 * @example
 * const limits = new ConnectionLimits({ total: 10_000, perAddress: 50 });
 * if (limits.admit("203.0.113.7").ok) … later limits.release("203.0.113.7");
 */
export class ConnectionLimits {
  private total = 0;
  private readonly byAddress = new Map<string, number>();

  constructor(private readonly caps: ConnectionCaps) {}

  /** Counts the connection if both caps allow it; a refused one is not counted. */
  admit(address: string): Admission {
    if (this.total >= this.caps.total) {
      return refusal("instance", `this relay holds its maximum of ${this.caps.total} connections; try again shortly`);
    }
    const held = this.byAddress.get(address) ?? 0;
    if (held >= this.caps.perAddress) {
      return refusal("address", `at most ${this.caps.perAddress} connections per address; close another tab or try again shortly`);
    }
    this.total += 1;
    this.byAddress.set(address, held + 1);
    return { ok: true };
  }

  /** Uncounts one admitted connection. Never goes below zero, and forgets addresses at zero. */
  release(address: string): void {
    const held = this.byAddress.get(address);
    if (held === undefined) return;
    if (held <= 1) this.byAddress.delete(address);
    else this.byAddress.set(address, held - 1);
    this.total = Math.max(0, this.total - 1);
  }

  /** Live connections counted, in total and for one address. */
  count(address?: string): number {
    return address === undefined ? this.total : (this.byAddress.get(address) ?? 0);
  }

  /** Addresses holding at least one connection (bounded by the total cap). */
  addresses(): number {
    return this.byAddress.size;
  }
}

function refusal(reason: RefusalReason, message: string): Admission {
  return { ok: false, reason, code: "too_many_connections", message };
}

/**
 * The address a connection is counted under (lib/client-address.ts: with `trustProxy`, the last
 * X-Forwarded-For entry; an IPv6 address by its /64, as the web app's limits count it).
 */
export function clientAddress(handshake: { address: string; headers: IncomingHttpHeaders }, trustProxy: boolean): string {
  return addressBucket(addressOf({ socket: handshake.address, forwardedFor: handshake.headers["x-forwarded-for"] }, trustProxy));
}

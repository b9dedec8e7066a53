import { z } from "zod";
import { PathKey } from "../protocol";

/**
 * How a bettor takes a price that may have moved since they saw it: `exact` only that price,
 * `better` that price or a longer one, `any` whatever it is now.
 */
export const ACCEPT_RULES = ["exact", "better", "any"] as const;
export type AcceptRule = (typeof ACCEPT_RULES)[number];

/** POST /api/bets' body: the wire keys of the selection, the stake and the price the bettor saw. */
export const BetRequest = z.strictObject({
  eventId: z.guid("must be an event id"),
  market: PathKey,
  outcome: PathKey,
  /** Checked against the stake rules by `stakeProblem`, which answers `invalid_stake`. */
  stake: z.number({ error: "must be a number" }).finite(),
  /** The decimal price the bettor saw. */
  price: z.number().gt(1, "must be a decimal price above 1").max(1_000, "must be at most 1000"),
  accept: z.enum(ACCEPT_RULES, { error: `must be one of ${ACCEPT_RULES.join(", ")}` }),
});
export type BetRequest = z.infer<typeof BetRequest>;

/** `Idempotency-Key`: what a client makes up per bet it means to place (a UUID, say). */
export const IdempotencyKey = z.string().regex(/^[A-Za-z0-9_.:-]{8,100}$/, "must be 8 to 100 letters, digits or _ . : -");

/**
 * Whether `rule` lets a bettor who saw `seen` take `current` (decimal odds).
 * @example accepts("better", 2.1, 2.15) // true: a longer price pays more
 */
export function accepts(rule: AcceptRule, seen: number, current: number): boolean {
  if (rule === "any") return true;
  if (rule === "better") return current >= seen;
  return current === seen;
}

/**
 * What is wrong with a stake, or null: it must lie within [min, max] and have at most two decimals.
 * @example stakeProblem(10.005, 1, 10_000) // "must have at most two decimals"
 */
export function stakeProblem(stake: number, min: number, max: number): string | null {
  if (Math.abs(stake * 100 - Math.round(stake * 100)) > 1e-6) return "must have at most two decimals";
  if (stake < min || stake > max) return `must be from ${min} to ${max}`;
  return null;
}

import { z } from "zod";
import { BoardStatusAnswer } from "./admin";

/**
 * The events on the board as the admin console lists them (`GET /api/admin/board`, and the
 * console's first render): what an admin may settle, void, suspend or reopen. Each event and
 * market carries `auditId`, the newest audit entry about it when it was read, so the console can
 * tell whether an admin event or a button's answer it hears later is newer than what it shows.
 */

const AuditStamp = z
  .string()
  .regex(/^\d{1,19}$/)
  .nullable();
const Status = BoardStatusAnswer.shape.status;

/** An event an admin may settle or void (not over yet). */
export const PickableEvent = z.object({
  id: z.string(),
  title: z.string(),
  league: z.string(),
  sport: z.string().nullable(),
  /** ISO time. */
  startsAt: z.string(),
  live: z.boolean(),
});
export type PickableEvent = z.infer<typeof PickableEvent>;

/** A market of an event on the board (open or suspended). */
export const BoardMarket = z.object({
  id: z.string(),
  key: z.string(),
  line: z.number().nullable(),
  status: Status,
  /** Suspended by an odds producer (its bet stop), which reopens it once it has fresh prices of its own. */
  byFeed: z.boolean(),
  /** The newest audit entry about this market when its status was learnt (null: none). */
  auditId: AuditStamp,
});
export type BoardMarket = z.infer<typeof BoardMarket>;

/** An event on the board (active or suspended), with its markets on the board. */
export const BoardEvent = PickableEvent.extend({
  status: Status,
  markets: z.array(BoardMarket),
  /** The newest audit entry about this event when its status was learnt (null: none). */
  auditId: AuditStamp,
});
export type BoardEvent = z.infer<typeof BoardEvent>;

/** `GET /api/admin/board`: up to `ADMIN_BOARD_EVENTS` events on the board, soonest first. */
export const AdminBoard = z.object({ events: z.array(BoardEvent) });
export type AdminBoard = z.infer<typeof AdminBoard>;

/** How many events on the board the console lists (soonest first). */
export const ADMIN_BOARD_EVENTS = 300;

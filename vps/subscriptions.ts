import { ROOMS } from "../lib/protocol";
import { type Filter, eventRoom, sportPart, sportRoom } from "./filters";

/** What the subscriptions part needs of its connection: its rooms. */
export interface RoomMember {
  join(rooms: string | string[]): unknown;
  leave(room: string): unknown;
}

/**
 * A connection's subscriptions part: each sport and event it holds, with the filter it was
 * subscribed with. This, not the room names, is what the relay reads back (counting
 * subscriptions, unsubscribing, lag, catching up): the rooms follow from it, and only this part
 * joins and leaves them.
 */
export class Subscriptions {
  private readonly bySport = new Map<string, Filter>();
  private readonly byEvent = new Map<string, Filter>();

  constructor(private readonly member: RoomMember) {}

  /** Sports held, each with the sport part of its filter. */
  get sports(): ReadonlyMap<string, Filter> {
    return this.bySport;
  }

  /** Events held, each with its filter. */
  get events(): ReadonlyMap<string, Filter> {
    return this.byEvent;
  }

  /** Sports plus events held (what RELAY_MAX_SUBSCRIPTIONS caps). */
  count(): number {
    return this.bySport.size + this.byEvent.size;
  }

  /** Joins the sport's room for `filter`, leaving the one it held (if another). */
  joinSport(sport: string, filter: Filter): void {
    const held = this.bySport.get(sport);
    const room = sportRoom(sport, filter);
    if (held && sportRoom(sport, held) !== room) this.member.leave(sportRoom(sport, held));
    this.member.join(room);
    this.bySport.set(sport, sportPart(filter));
  }

  leaveSport(sport: string): void {
    const held = this.bySport.get(sport);
    if (!held) return;
    this.member.leave(sportRoom(sport, held));
    this.bySport.delete(sport);
  }

  /** Joins the event's room for `filter` (leaving the one it held) and its chat. */
  joinEvent(eventId: string, filter: Filter): void {
    const held = this.byEvent.get(eventId);
    const room = eventRoom(eventId, filter);
    if (held && eventRoom(eventId, held) !== room) this.member.leave(eventRoom(eventId, held));
    this.member.join([room, ROOMS.chat(eventId)]);
    this.byEvent.set(eventId, filter);
  }

  leaveEvent(eventId: string): void {
    const held = this.byEvent.get(eventId);
    if (held) this.member.leave(eventRoom(eventId, held));
    this.member.leave(ROOMS.chat(eventId));
    this.byEvent.delete(eventId);
  }

  /** Leaves every sport and event (on close). */
  clear(): void {
    for (const sport of [...this.bySport.keys()]) this.leaveSport(sport);
    for (const eventId of [...this.byEvent.keys()]) this.leaveEvent(eventId);
  }
}

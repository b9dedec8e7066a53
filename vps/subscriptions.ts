import type { Socket } from "socket.io";
import { ROOMS } from "../lib/protocol";
import { type Filter, eventRoom, sportPart, sportRoom } from "./filters";

/**
 * What one connection holds: each sport and event with the filter it was subscribed with. This,
 * not the room names, is what the relay reads back (counting subscriptions, unsubscribing, lag):
 * the rooms follow from it.
 */
export interface Subscriptions {
  sports: Map<string, Filter>;
  events: Map<string, Filter>;
}

type Member = Pick<Socket, "join" | "leave"> & { data: { subs: Subscriptions } };

export function emptySubscriptions(): Subscriptions {
  return { sports: new Map(), events: new Map() };
}

export function heldSubscriptions(subs: Subscriptions): number {
  return subs.sports.size + subs.events.size;
}

/** Puts the socket in the sport's room for `filter`, out of the one it held (if another). */
export function joinSport(socket: Member, sport: string, filter: Filter): void {
  const held = socket.data.subs.sports.get(sport);
  const room = sportRoom(sport, filter);
  if (held && sportRoom(sport, held) !== room) socket.leave(sportRoom(sport, held));
  socket.join(room);
  socket.data.subs.sports.set(sport, sportPart(filter));
}

export function leaveSport(socket: Member, sport: string): void {
  const held = socket.data.subs.sports.get(sport);
  if (!held) return;
  socket.leave(sportRoom(sport, held));
  socket.data.subs.sports.delete(sport);
}

/** Puts the socket in the event's room for `filter` (out of the one it held) and in its chat. */
export function joinEvent(socket: Member, eventId: string, filter: Filter): void {
  const held = socket.data.subs.events.get(eventId);
  const room = eventRoom(eventId, filter);
  if (held && eventRoom(eventId, held) !== room) socket.leave(eventRoom(eventId, held));
  socket.join([room, ROOMS.chat(eventId)]);
  socket.data.subs.events.set(eventId, filter);
}

export function leaveEvent(socket: Member, eventId: string): void {
  const held = socket.data.subs.events.get(eventId);
  if (held) socket.leave(eventRoom(eventId, held));
  socket.leave(ROOMS.chat(eventId));
  socket.data.subs.events.delete(eventId);
}

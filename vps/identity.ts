import { ROOMS } from "../lib/protocol";
import { type Identity, REVOKED_MESSAGE } from "./auth";
import type { RelaySocket } from "./connection";

/**
 * A socket's private rooms follow its identity: `user:<sub>` for a token, `admins` too for an
 * admin's. They last only as long as the token: when it runs out, the socket leaves them and
 * hears `error { code: "token_expired" }`; when it is revoked (its account signed out, or its
 * password or role changed), it leaves them and hears `error { code: "token_revoked" }`. Either
 * way until the page hands it a fresh token (`auth`).
 */

/** Takes on `identity` (null: anonymous), replacing the private rooms of the previous one. */
export function assume(socket: RelaySocket, identity: Identity): void {
  forget(socket);
  socket.data.identity = identity;
  if (!identity) return;
  socket.join(ROOMS.user(identity.sub));
  if (identity.role === "admin") socket.join(ROOMS.admins);
  const ms = identity.exp * 1000 - Date.now();
  socket.data.expiry = setTimeout(() => expire(socket), Math.max(0, ms));
}

/** Leaves the private rooms and stops the expiry timer (on a new identity, on disconnect). */
export function forget(socket: RelaySocket): void {
  if (socket.data.expiry) clearTimeout(socket.data.expiry);
  socket.data.expiry = null;
  const identity = socket.data.identity;
  if (!identity) return;
  socket.leave(ROOMS.user(identity.sub));
  socket.leave(ROOMS.admins);
  socket.data.identity = null;
}

/** The socket's token was revoked: out of the private rooms at once, and told so. */
export function revoke(socket: RelaySocket): void {
  forget(socket);
  socket.emit("error", { code: "token_revoked", message: REVOKED_MESSAGE });
}

function expire(socket: RelaySocket): void {
  forget(socket);
  socket.emit("error", { code: "token_expired", message: "the token ran out; send a fresh one with `auth` to keep receiving private updates" });
}

import { z } from "zod";

/** The most characters (code points) a display name may have. */
export const DISPLAY_NAME_MAX = 32;

/** Control, format (bidi overrides, zero-width), private-use and unassigned characters. */
const UNPRINTABLE = /\p{C}/u;

/**
 * A display name as sign-up accepts it: trimmed, 1–32 characters, nothing unprintable (a
 * right-to-left override or a zero-width space in a name would let one author pose as another).
 */
export const DisplayName = z
  .string()
  .trim()
  .refine((name) => name.length > 0, "must not be empty")
  .refine((name) => [...name].length <= DISPLAY_NAME_MAX, `must be at most ${DISPLAY_NAME_MAX} characters`)
  .refine((name) => !UNPRINTABLE.test(name), "must contain only printable characters");

/**
 * The name of an account that did not choose one: its email's local part, cut to 32 characters
 * (the migration that added names backfilled existing accounts the same way), or "bettor" when
 * that would pose as staff.
 * @example defaultDisplayName("ann.lee@example.com") // "ann.lee"
 */
export function defaultDisplayName(email: string): string {
  const at = email.indexOf("@"); // as the migration's split_part(email, '@', 1)
  const local = [...(at === -1 ? email : email.slice(0, at))].slice(0, DISPLAY_NAME_MAX).join("");
  return local && !isReserved(local) ? local : "bettor";
}

/** Words a bettor's name may not pose as (alone, or with digits): staff speak with these names in chat. */
const RESERVED = /^(admin|administrator|moderator|mod|support|staff|official|liveodds|system)\d*$/;

/**
 * A name a bettor may choose at sign-up: a DisplayName that does not pose as staff ("Admin",
 * "Support team", "m.o.d"); the demo admin account is named by the server, not through this.
 */
export const PublicDisplayName = DisplayName.refine((name) => !isReserved(name), "is reserved for staff");

/** Whether any word of the name, or the name with its separators dropped ("a.d.m.i.n"), is a staff word. */
function isReserved(name: string): boolean {
  const lower = name.toLowerCase();
  const words = lower.split(/[^\p{L}\p{N}]+/u);
  return [lower.replace(/[^\p{L}\p{N}]/gu, ""), ...words].some((word) => RESERVED.test(word));
}

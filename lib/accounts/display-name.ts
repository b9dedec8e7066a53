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
 * (the migration that added names backfilled existing accounts the same way).
 * @example defaultDisplayName("ann.lee@example.com") // "ann.lee"
 */
export function defaultDisplayName(email: string): string {
  const at = email.indexOf("@"); // as the migration's split_part(email, '@', 1)
  const local = at === -1 ? email : email.slice(0, at);
  return [...local].slice(0, DISPLAY_NAME_MAX).join("") || "bettor";
}

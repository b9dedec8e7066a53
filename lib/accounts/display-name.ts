import unhomoglyph from "unhomoglyph";
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

/** Words a bettor's name may not pose as (alone, or with digits after): staff speak with these names in chat. */
const RESERVED = ["admin", "administrator", "moderator", "mod", "support", "staff", "official", "liveodds", "system"];

/**
 * A name a bettor may choose at sign-up: a DisplayName that does not pose as staff ("Admin",
 * "Support team", "m.o.d", "Аdmin" with a Cyrillic А); the demo admin account is named by the
 * server, not through this.
 */
export const PublicDisplayName = DisplayName.refine((name) => !isReserved(name), "is reserved for staff");

/**
 * Text as it looks, not as it is spelled: the Unicode confusables skeleton (UTS #39, with the
 * `unhomoglyph` package's copy of Unicode's confusables.txt) after compatibility folding (NFKC:
 * full-width and mathematical letters), with accents and other marks dropped. Two strings that look alike fold to the same
 * text; the result is for comparing, never for showing ("m" folds to "rn").
 * @example fold("Аdmin") === fold("Admin") // Cyrillic А
 */
export function fold(text: string): string {
  // UTS #39 maps decomposed text (NFD), so "ö" is "o" plus a mark, never a look-alike of its own.
  const skeleton = unhomoglyph(text.normalize("NFKC").normalize("NFD")).normalize("NFD");
  return skeleton.replace(/\p{M}/gu, "").normalize("NFC");
}

/**
 * Each reserved word folded as it is written in lower case, in upper case and capitalised: a
 * confusable is confusable with the word as written (an "l" passes for an "I" only among capitals).
 */
const RESERVED_FORMS = new Set(RESERVED.flatMap((word) => [word, word.toUpperCase(), word[0]?.toUpperCase() + word.slice(1)].map(fold)));

/**
 * Whether any word of the name, or the name with its separators dropped ("a.d.m.i.n"), poses as a
 * staff word, after trailing digits are cut ("mod_1", "admin2") and look-alikes are folded: both
 * as typed, and lower-cased first (so "ΑDMIN" and "аdmin" are caught however they mix cases).
 */
function isReserved(name: string): boolean {
  const words = name.split(/[^\p{L}\p{N}\p{M}]+/u);
  const candidates = [name.replace(/[^\p{L}\p{N}\p{M}]/gu, ""), ...words].map((word) => word.replace(/\p{Nd}+$/u, "")).filter(Boolean);
  return candidates.some((word) => RESERVED_FORMS.has(fold(word)) || RESERVED_FORMS.has(fold(fold(word.toLowerCase()).toLowerCase())));
}

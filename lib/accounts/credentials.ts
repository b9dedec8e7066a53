import { z } from "zod";
import { PublicDisplayName } from "./display-name";

/** What sign-up and sign-in accept. Emails are compared lower-cased and trimmed. */
export const Credentials = z.strictObject({
  email: z.string().trim().toLowerCase().pipe(z.email("must be an email address").max(254, "must be at most 254 characters")),
  password: z.string().min(8, "must be at least 8 characters").max(200, "must be at most 200 characters"),
});
export type Credentials = z.infer<typeof Credentials>;

/** What sign-up accepts: the credentials and, optionally, the name chat shows (display-name.ts). */
export const SignUpRequest = Credentials.extend({ name: PublicDisplayName.optional() });
export type SignUpRequest = z.infer<typeof SignUpRequest>;

/** What a password change accepts: the current password (proof it is the owner) and a new one. */
export const PasswordChange = z
  .strictObject({
    currentPassword: z.string().min(1, "must not be empty").max(200, "must be at most 200 characters"),
    newPassword: Credentials.shape.password,
  })
  .refine((change) => change.newPassword !== change.currentPassword, { message: "must differ from the current password", path: ["newPassword"] });
export type PasswordChange = z.infer<typeof PasswordChange>;

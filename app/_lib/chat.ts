import { z } from "zod";
import { apiError } from "./http";

/**
 * What the chat routes share: ids from the path are UUIDs (anything else names nothing, so 404
 * without asking Postgres, which would refuse the cast).
 */
export function unknownId(id: string, noun: "event" | "message"): Response | null {
  return z.guid().safeParse(id).success ? null : apiError(404, "not_found", `no such ${noun}`);
}

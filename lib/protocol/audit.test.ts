import { describe, expect, it } from "vitest";
import { AUDIT_PAGE_DEFAULT, AuditQuery } from "./audit";

/** The audit route's query, as its search parameters arrive (strings). */
describe("AuditQuery", () => {
  const fields = (raw: Record<string, string>) => {
    const parsed = AuditQuery.safeParse(raw);
    return parsed.success ? null : parsed.error.issues.map((issue) => (issue.code === "unrecognized_keys" ? issue.keys.join(",") : issue.path.join(".")));
  };

  it("reads a page's parameters, with the default limit", () => {
    expect(AuditQuery.parse({})).toEqual({ limit: AUDIT_PAGE_DEFAULT });
    expect(AuditQuery.parse({ before: "120", limit: "20", action: "market.status", targetType: "market", targetId: "m1" })).toEqual({
      before: "120",
      limit: 20,
      action: "market.status",
      targetType: "market",
      targetId: "m1",
    });
    expect(AuditQuery.parse({ before: "9223372036854775807" }).before).toBe("9223372036854775807");
  });

  it("refuses what it cannot read, naming the parameter", () => {
    expect(fields({ before: "abc" })).toEqual(["before"]);
    expect(fields({ before: "-1" })).toEqual(["before"]);
    expect(fields({ before: "9223372036854775808" })).toEqual(["before"]); // past any BIGINT id
    expect(fields({ limit: "0" })).toEqual(["limit"]);
    expect(fields({ limit: "201" })).toEqual(["limit"]);
    expect(fields({ limit: "2.5" })).toEqual(["limit"]);
    expect(fields({ action: "market.delete" })).toEqual(["action"]);
    expect(fields({ targetType: "sport" })).toEqual(["targetType"]);
    expect(fields({ targetId: "m1" })).toEqual(["targetId"]); // a target id names nothing without its type
    expect(fields({ page: "2" })).toEqual(["page"]);
  });
});

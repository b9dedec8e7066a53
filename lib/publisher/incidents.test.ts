import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { AdminEventData } from "../protocol";
import type { AdminNotices } from "./admin-notices";
import { Incidents } from "./incidents";

function incidents(leading: boolean) {
  const told: AdminEventData<"outage">[] = [];
  const notices: Pick<AdminNotices, "tell"> = {
    tell: (kind, data) => {
      if (kind === "outage") told.push(data as AdminEventData<"outage">);
    },
  };
  return { told, incidents: new Incidents(notices, () => leading, pino({ level: "silent" })) };
}

const redisDown = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });

describe("Incidents", () => {
  it("tells a Redis outage only once Redis answers again, its down just before its up", () => {
    const { told, incidents: i } = incidents(true);
    i.redisFailed(redisDown);
    expect(told).toEqual([]);
    i.redisAnswered();
    expect(told.map((n) => `${n.service} ${n.state}`)).toEqual(["redis down", "redis up"]);
  });

  it("counts failures into one streak and ends it on success", () => {
    const { incidents: i } = incidents(false);
    i.failed(new Error("boom"), "tick failed");
    i.failed(new Error("boom"), "tick failed");
    expect(i.streak.count).toBe(2);
    i.succeeded("ticks succeed again", ["postgres", "redis"]);
    expect(i.streak.count).toBe(0);
  });

  it("leaves outages to the leader: a standby tells nothing", () => {
    const { told, incidents: i } = incidents(false);
    i.redisFailed(redisDown);
    i.redisAnswered();
    expect(told).toEqual([]);
  });
});

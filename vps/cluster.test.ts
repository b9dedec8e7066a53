import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";
import { describe, expect, it } from "vitest";
import { InstanceMetrics, mergeMetrics } from "./cluster";

/** One relay instance's registry, as createMetrics builds it (default metrics included). */
function instance(connections: number) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "relay_" });
  new Gauge({ name: "relay_connections", help: "Connected sockets", registers: [registry] }).set(connections);
  new Counter({ name: "relay_emitted_total", help: "Room broadcasts", labelNames: ["event"], registers: [registry] }).inc(
    { event: "odds:delta" },
    connections * 10,
  );
  new Gauge({ name: "relay_unsampled", help: "never set", registers: [registry] }).set(Number.NaN);
  return registry;
}

/** What another instance's answer looks like once it has crossed Redis as JSON. */
async function answer(instanceId: string, registry: Registry): Promise<unknown> {
  return JSON.parse(JSON.stringify({ instanceId, metrics: await registry.getMetricsAsJSON() }));
}

describe("mergeMetrics", () => {
  it("keeps every instance's series apart under a relay label, values as they are", async () => {
    const answers = [await answer("a#0", instance(3)), await answer("b#1", instance(5))].map((raw) => InstanceMetrics.parse(raw));
    const text = await mergeMetrics(answers).metrics();
    expect(text).toContain('relay_connections{relay="a#0"} 3\n');
    expect(text).toContain('relay_connections{relay="b#1"} 5\n');
    expect(text).toContain('relay_emitted_total{event="odds:delta",relay="b#1"} 50\n');
    // prom-client would leave out the start time when aggregating; per instance it stays.
    expect(text).toMatch(/relay_process_start_time_seconds\{relay="a#0"\} \d+/);
    // NaN crossed as null; prom-client prints it its own way ("Nan"), as on a single instance.
    expect(text).toMatch(/^relay_unsampled\{relay="a#0"\} nan$/im);
    expect(text.match(/^# TYPE relay_connections gauge$/gm)).toHaveLength(1);
  });

  it("refuses an answer that is not a metrics list", () => {
    expect(
      InstanceMetrics.safeParse({ instanceId: "x", metrics: [{ name: "m", help: "h", type: "counter", values: [{ value: "lots", labels: {} }] }] }).success,
    ).toBe(false);
    expect(InstanceMetrics.safeParse({ instanceId: "", metrics: [] }).success).toBe(false);
    expect(InstanceMetrics.safeParse("metrics").success).toBe(false);
  });
});

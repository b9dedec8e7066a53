/** One sample of a Prometheus text exposition, as the relay and the publisher serve it on /metrics. */

/**
 * The value of sample `name` with exactly the label set `labels`, as Prometheus prints it inside
 * the braces (`reason="address"`); none given: the sample without labels. Null when absent.
 */
export function sample(text: string, name: string, labels?: string): number | null {
  const prefix = labels ? `${name}{${labels}} ` : `${name} `;
  const line = text.split("\n").find((l) => l.startsWith(prefix));
  return line === undefined ? null : Number(line.slice(prefix.length));
}

/** GET `<url>/metrics`, then `sample` of it. */
export async function scrapeSample(url: string, name: string, labels?: string): Promise<number | null> {
  return sample(await (await fetch(`${url}/metrics`)).text(), name, labels);
}

/** `scrapeSample`, with 0 for a sample not (yet) exported, e.g. a counter nothing has counted. */
export async function metric(url: string, name: string, labels?: string): Promise<number> {
  return (await scrapeSample(url, name, labels)) ?? 0;
}

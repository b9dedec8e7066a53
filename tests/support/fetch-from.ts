import { request } from "node:http";

/**
 * A `fetch` whose connections leave from `localAddress`: on Linux every 127.x.y.z is this machine,
 * so a test can be several clients at different addresses against a server that believes only
 * its sockets (server.ts without WEB_TRUST_PROXY). Plain HTTP, string bodies only.
 */
export function fetchFrom(localAddress: string): typeof fetch {
  return ((input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers = Object.fromEntries(new Headers(init.headers));
    return new Promise<Response>((resolve, reject) => {
      const outgoing = request(
        { host: url.hostname, port: url.port, path: url.pathname + url.search, method: init.method ?? "GET", headers, localAddress },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
          incoming.on("error", reject);
          incoming.on("end", () => {
            const answer = new Headers();
            for (const [name, value] of Object.entries(incoming.headers)) for (const one of [value ?? []].flat()) answer.append(name, one);
            const status = incoming.statusCode ?? 500;
            resolve(new Response(status === 204 || status === 304 ? null : Buffer.concat(chunks), { status, headers: answer }));
          });
        },
      );
      outgoing.on("error", reject);
      if (typeof init.body === "string") outgoing.write(init.body);
      outgoing.end();
    });
  }) as typeof fetch;
}

import http from "node:http";

/**
 * GET over a new connection (no keep-alive), with `cookie` if given: its status (0: no answer
 * within 5 s). Behind PM2's cluster mode each new connection goes to the next process, so calls
 * one after another reach every process in turn.
 */
export function freshGet(url: string, cookie = ""): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false, timeout: 5_000, headers: cookie ? { cookie } : {} }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode ?? 0));
    });
    request.on("timeout", () => {
      request.destroy();
      resolve(0);
    });
    request.on("error", reject);
  });
}

import WebSocket from "ws";

/**
 * Asks a Node process listening with `--inspect` for a full garbage collection (the inspector
 * protocol's HeapProfiler.collectGarbage), so the bench can read a server's memory without the
 * garbage of whatever just happened in it, and without adding any code to the server.
 */
export async function collectGarbage(inspectorUrl: string, timeoutMs = 30_000): Promise<void> {
  const ws = new WebSocket(inspectorUrl);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer from the inspector at ${inspectorUrl} within ${timeoutMs} ms`)), timeoutMs);
      ws.once("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      ws.once("open", () => ws.send(JSON.stringify({ id: 1, method: "HeapProfiler.collectGarbage" })));
      ws.on("message", (data) => {
        const answer = JSON.parse(data.toString()) as { id?: number; error?: { message: string } };
        if (answer.id !== 1) return;
        clearTimeout(timer);
        if (answer.error) reject(new Error(`inspector: ${answer.error.message}`));
        else resolve();
      });
    });
  } finally {
    ws.close();
  }
}

/** The inspector's WebSocket address from what a process printed ("Debugger listening on ws://…"); the last one wins. */
export function inspectorUrl(output: string): string | null {
  const matches = [...output.matchAll(/Debugger listening on (ws:\/\/\S+)/g)];
  return matches[matches.length - 1]?.[1] ?? null;
}

import { performance } from "node:perf_hooks";

/** One job's outcome: whether it succeeded and how long it took, ms. */
export interface JobResult {
  ok: boolean;
  ms: number;
}

export interface LoadResult {
  /** Jobs run, and of those the ones that succeeded. */
  jobs: number;
  ok: number;
  /** Wall time, s. */
  seconds: number;
  /** Each job's duration, ms. */
  times: number[];
}

/**
 * Runs jobs `concurrency` at a time until `count` were started or `durationMs` passed (whichever
 * the caller sets; both: the first reached). Job `i` is the i-th started.
 */
export async function runLoad(
  concurrency: number,
  work: (i: number) => Promise<JobResult>,
  limits: { count?: number; durationMs?: number },
): Promise<LoadResult> {
  const times: number[] = [];
  let ok = 0;
  let next = 0;
  const started = performance.now();
  const more = () =>
    (limits.count === undefined || next < limits.count) && (limits.durationMs === undefined || performance.now() - started < limits.durationMs);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (more()) {
        const result = await work(next++);
        times.push(result.ms);
        if (result.ok) ok += 1;
      }
    }),
  );
  return { jobs: times.length, ok, seconds: (performance.now() - started) / 1000, times };
}

/** Times one HTTP request to its last byte (read and discarded, so the connection is reused). */
export async function timed(request: () => Promise<Response>): Promise<JobResult> {
  const at = performance.now();
  const answer = await request();
  await answer.arrayBuffer();
  return { ok: answer.ok, ms: performance.now() - at };
}

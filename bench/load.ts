import { Pool } from "undici";

export interface Sample {
  latencies: number[];
  errors: number;
  seconds: number;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function createClient(origin: string, connections = 256) {
  return new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
}

export async function post(pool: Pool, path: string, headers: Record<string, string>, body: string): Promise<{ status: number; ttfbMs: number; totalMs: number }> {
  const started = performance.now();
  const response = await pool.request({ method: "POST", path, headers: { "content-type": "application/json", ...headers }, body });
  let ttfbMs = NaN;
  for await (const _chunk of response.body) {
    if (Number.isNaN(ttfbMs)) ttfbMs = performance.now() - started;
  }
  return { status: response.statusCode, ttfbMs, totalMs: performance.now() - started };
}

/** Open loop: starts requests at a fixed rate regardless of completions (no coordinated omission). */
export async function fixedRate(run: () => Promise<{ status: number; totalMs: number }>, rate: number, seconds: number): Promise<Sample> {
  const latencies: number[] = [];
  let errors = 0;
  const inflight: Promise<void>[] = [];
  const started = performance.now();
  const total = rate * seconds;
  for (let index = 0; index < total; index++) {
    const due = started + (index * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inflight.push(
      run().then(
        (result) => void (result.status === 200 ? latencies.push(result.totalMs) : errors++),
        () => void errors++,
      ),
    );
  }
  await Promise.all(inflight);
  return { latencies, errors, seconds: (performance.now() - started) / 1000 };
}

/** Closed loop: `concurrency` workers back to back for `seconds`. */
export async function closedLoop(run: () => Promise<{ status: number; totalMs: number }>, concurrency: number, seconds: number): Promise<Sample> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        try {
          const result = await run();
          if (result.status === 200) latencies.push(result.totalMs);
          else errors++;
        } catch {
          errors++;
        }
      }
    }),
  );
  return { latencies, errors, seconds: (performance.now() - started) / 1000 };
}

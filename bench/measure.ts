/** One benchmark row: the same steps against the direct upstream, the bare proxy and each gateway role. */
import { setMaxListeners } from "node:events";
import { request } from "undici";
import { closedLoop, createClient, fixedRate, percentile, post } from "./load";
import { cpuMs, rssMb } from "./targets";

export interface Row {
  name: string;
  p50: Record<number, number>;
  p99: Record<number, number>;
  maxRps: number;
  cpuPerRequestMs: number;
  ttfbP50: number;
  gapP99: number;
  rssIdle: number;
  rssStreams: number;
  readyMs: number;
}

export interface Endpoint {
  name: string;
  url: string;
  apiKey: string;
  /** The process whose CPU and memory are measured (none for the direct upstream). */
  pid?: number;
  readyMs: number;
  /** The model (or model group) every request names; default gpt-4o-mini. */
  model?: string;
}

export const RATES = [100, 500];
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const streams = Number(process.env.BENCH_STREAMS ?? 1000);
const content = "Summarize the following text. ".repeat(30).slice(0, 900);
const bodies = (model: string) => ({
  body: JSON.stringify({ model, messages: [{ role: "user", content }] }),
  streamBody: JSON.stringify({ model, stream: true, messages: [{ role: "user", content }] }),
  slowBody: JSON.stringify({ model, stream: true, messages: [{ role: "user", content: "count [[fake:slow]]" }] }),
});

export async function measure(endpoint: Endpoint): Promise<Row> {
  const client = createClient(endpoint.url);
  const headers = { authorization: `Bearer ${endpoint.apiKey}` };
  const { body, streamBody, slowBody } = bodies(endpoint.model ?? "gpt-4o-mini");
  const call = () => post(client, "/v1/chat/completions", headers, body);
  // Idle: started and ready, no request served yet.
  const row: Row = { name: endpoint.name, p50: {}, p99: {}, maxRps: NaN, cpuPerRequestMs: NaN, ttfbP50: NaN, gapP99: NaN, rssIdle: endpoint.pid ? rssMb(endpoint.pid) : NaN, rssStreams: NaN, readyMs: endpoint.readyMs };
  // Warm up at saturation, the same for every target: a fresh gateway replica costs up to 1.5x its steady-state CPU per
  // request in its first saturated seconds (JIT, pools, caches, the old generation), measured with npm run bench:profile.
  await closedLoop(call, 64, Number(process.env.BENCH_WARMUP_SECONDS ?? 3));
  for (const rate of RATES) {
    const sample = await fixedRate(call, rate, seconds);
    row.p50[rate] = percentile(sample.latencies, 50);
    row.p99[rate] = percentile(sample.latencies, 99);
  }
  // Saturated: three windows, the median of each figure (one window's CPU per request moved by up to 30 % between
  // runs on this machine; the median of three is steadier, measured with npm run bench:profile).
  const rates: number[] = [];
  const cpuPerRequest: number[] = [];
  for (let window = 0; window < 3; window++) {
    const cpuBefore = endpoint.pid ? cpuMs(endpoint.pid) : 0;
    const saturated = await closedLoop(call, 64, seconds);
    rates.push(saturated.latencies.length / saturated.seconds);
    if (endpoint.pid) cpuPerRequest.push((cpuMs(endpoint.pid) - cpuBefore) / saturated.latencies.length);
  }
  row.maxRps = percentile(rates, 50);
  if (endpoint.pid) row.cpuPerRequestMs = percentile(cpuPerRequest, 50);
  const ttfbs: number[] = [];
  for (let index = 0; index < 200; index++) ttfbs.push((await post(client, "/v1/chat/completions", headers, streamBody)).ttfbMs);
  row.ttfbP50 = percentile(ttfbs, 50);
  row.gapP99 = await chunkGapP99(endpoint.url, headers, slowBody);
  if (endpoint.pid) row.rssStreams = await rssWithStreams(endpoint.url, headers, endpoint.pid, slowBody);
  await client.close();
  return row;
}

/** 20 paced streams (one delta per 100 ms) for 3 s: the 99th percentile gap between chunks at the client. */
async function chunkGapP99(url: string, headers: Record<string, string>, slowBody: string): Promise<number> {
  const gaps: number[] = [];
  const controller = new AbortController();
  setMaxListeners(64, controller.signal); // one signal for the 20 streams (each request listens to it)
  const open = Array.from({ length: 20 }, async () => {
    const response = await request(`${url}/v1/chat/completions`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: slowBody, signal: controller.signal });
    let last = NaN;
    for await (const _chunk of response.body) {
      const now = performance.now();
      if (!Number.isNaN(last)) gaps.push(now - last);
      last = now;
    }
  });
  await new Promise((resolve) => setTimeout(resolve, 3200));
  controller.abort();
  await Promise.allSettled(open);
  return percentile(gaps, 99);
}

/** RSS after `streams` slow streams have been open for 3 s. */
async function rssWithStreams(url: string, headers: Record<string, string>, pid: number, slowBody: string): Promise<number> {
  const client = createClient(url, streams + 8);
  const controller = new AbortController();
  setMaxListeners(streams + 64, controller.signal); // one signal for every open stream
  const open = Array.from({ length: streams }, () =>
    client
      .request({ method: "POST", path: "/v1/chat/completions", headers: { ...headers, "content-type": "application/json" }, body: slowBody, signal: controller.signal })
      .then(async (response) => {
        for await (const _chunk of response.body) {
          // keep reading
        }
      })
      .catch(() => {}),
  );
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const rss = rssMb(pid);
  controller.abort();
  await Promise.allSettled(open);
  await client.close();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return rss;
}

/**
 * npm run bench:context — what context-window management adds to one chat request: CPU per request of
 * manageContext (server/gateway/context/), the step every chat request passes before routing.
 *   - mode error (the default), ~1 KB prompt: the settings lookup only;
 *   - mode truncate, ~1 KB prompt: settled by the UTF-8 byte bound, no tokenizer;
 *   - mode truncate, ~100 KB prompt near a 32k window: counted with o200k_base, fits, sent as is;
 *   - mode truncate, ~100 KB conversation in an 8k window: counted and cut.
 * BENCH_ROUNDS rounds of BENCH_REQUESTS (fewer for the counted cases), medians printed.
 */
import { createStaticConfigSource, type KeyEntry, type ModelEntry } from "@/server/gateway/config/config-source";
import { manageContext } from "@/server/gateway/context/manage-context";
import type { GatewayDeps } from "@/server/gateway/deps";
import { newRecord } from "@/server/gateway/ledger";
import type { ChatRequest } from "@/server/gateway/types";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ORG = "00000000-0000-4000-8000-00000000c0de";
const key: KeyEntry = { id: crypto.randomUUID(), orgId: ORG, teamId: null, name: "bench", prefix: "bench", hash: "", allowedModels: null, expiresAt: null };
const settings = (mode: "error" | "truncate") => ({ mode, margin_tokens: 256, split_overlap_tokens: 200, split_concurrency: 4 });
const model = (name: string, window: number, mode: "error" | "truncate"): ModelEntry => ({
  id: name, orgId: ORG, name, upstreamModel: "gpt-4o-mini", contextWindow: window, maxOutputTokens: null, region: null, createdAt: 0,
  connection: { id: "c", orgId: ORG, kind: "openai", name: "openai", baseUrl: "http://x", apiKey: "", trusted: true, region: null }, prices: [], context: settings(mode),
});
const deps = { config: createStaticConfigSource({ keys: [key], models: [model("plain", 128_000, "error"), model("managed", 128_000, "truncate"), model("near", 32_000, "truncate"), model("small", 8_192, "truncate")] }) } as unknown as GatewayDeps;

const filler = "Summarize the quarterly report for the leadership team, focusing on revenue, churn and hiring. ";
const small = (name: string): ChatRequest => ({ model: name, messages: [{ role: "system", content: "You are a helpful assistant." }, { role: "user", content: filler.repeat(10) }] });
const conversation = (name: string): ChatRequest => ({
  model: name,
  messages: [{ role: "system", content: "You are a helpful assistant." }, ...Array.from({ length: 50 }, (_, index) => [{ role: "user" as const, content: `${index} ${filler.repeat(20)}` }, { role: "assistant" as const, content: "Noted." }]).flat(), { role: "user", content: "And now?" }],
});
const header = () => undefined;
const signal = new AbortController().signal;

async function cpuPerRequest(request: ChatRequest, count: number): Promise<number> {
  const before = process.cpuUsage();
  for (let index = 0; index < count; index++) {
    const result = await manageContext(deps, newRecord(`req_${index}`, key, "/v1/chat/completions"), request, { header }, signal);
    if (!result.ok) throw new Error("bench requests must be admitted");
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / count;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const scenarios: [string, ChatRequest, number][] = [
  ["mode error, 1 KB", small("plain"), REQUESTS],
  ["truncate, 1 KB (byte bound)", small("managed"), REQUESTS],
  ["truncate, 100 KB, fits 32k (counted)", conversation("near"), Math.max(20, REQUESTS / 1000)],
  ["truncate, 100 KB into 8k (counted, cut)", conversation("small"), Math.max(20, REQUESTS / 1000)],
];
await cpuPerRequest(conversation("small"), 5); // loads the encoding
console.log(`prompt bytes: 1 KB case ${Buffer.byteLength(JSON.stringify(small("x").messages))}, 100 KB case ${Buffer.byteLength(JSON.stringify(conversation("x").messages))}`);
for (const [label, request, count] of scenarios) {
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round++) samples.push(await cpuPerRequest(request, count));
  console.log(`${label.padEnd(42)} ${median(samples).toFixed(2).padStart(10)} µs CPU per request (median of ${ROUNDS} × ${count})`);
}

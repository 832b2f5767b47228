/**
 * `npm run bench:caching` — the caching workload of issue 12, through a real gateway process (dist/server.mjs) and
 * the fake Anthropic API (e2e/fakes/anthropic-fake.ts with [[fake:promptcache]]: it counts the prompt and honours
 * cache_control as Anthropic documents). A support-desk workload: two long system prompts with few-shot examples,
 * a small pool of questions asked again and again, several turns per conversation. Each scenario is one model group
 * (same catalog model, claude-sonnet-4-5 at list prices) and the same requests; the table shows tokens and the cost
 * the ledger charged, side by side.
 *
 * SCENARIOS is a list so more caching modes can be appended: the response cache (another part of issue 12) adds its
 * row there (e.g. { name: "response cache + prompt cache", group: {...}, headers: {...} }).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { FAKE_ANTHROPIC_API_KEY, startFakeAnthropic } from "../e2e/fakes/anthropic-fake";
import { startTarget, stopProcess } from "./targets";

const ADMIN_KEY = "bench-admin-key-caching-0123456789";
const serverUrl = process.env.BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 12);
const TURNS = 3;

interface Scenario {
  name: string;
  /** The model group the scenario's requests go to (created through the admin API). */
  group: Record<string, unknown>;
  headers?: Record<string, string>;
  /** Turned on before the scenario runs (the response cache is an org setting). */
  setup?: (base: string) => Promise<void>;
}

const deployment = [{ id: "sonnet", model: "claude-sonnet-4-5" }];
const SCENARIOS: Scenario[] = [
  { name: "no caching", group: { name: "support-nocache", deployments: deployment, prompt_cache: { mode: "off" } } },
  { name: "prompt cache (auto breakpoints)", group: { name: "support-auto", deployments: deployment, prompt_cache: { mode: "auto", ttl: "5m", conversation: false } } },
  { name: "prompt cache + conversation", group: { name: "support-conversation", deployments: deployment, prompt_cache: { mode: "auto", ttl: "5m", conversation: true } } },
  // The exact response cache on top (org setting, PUT /api/admin/cache): a conversation asked again word for word
  // (conversations 10 and 11 repeat 0 and 1) is answered from the cache, at $0 and without a provider call.
  {
    name: "response cache + prompt cache",
    group: { name: "support-response-cache", deployments: deployment, prompt_cache: { mode: "auto", ttl: "5m", conversation: true } },
    setup: async (base) => {
      const response = await fetch(`${base}/api/admin/cache`, { method: "PUT", headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" }, body: JSON.stringify({ mode: "org", ttl_seconds: 3600 }) });
      if (!response.ok) throw new Error(`/api/admin/cache: ${response.status} ${await response.text()}`);
    },
  },
];

const policy = Array.from({ length: 60 }, (_, index) => `${index + 1}. Orders placed in region ${index % 7} follow shipping rule ${index % 5}; refunds within ${14 + (index % 3) * 7} days.`).join("\n");
const examples = Array.from({ length: 8 }, (_, index) => `Example ${index + 1}\nCustomer: Where is order A-${1000 + index}?\nAgent: Order A-${1000 + index} shipped on day ${index + 2}; tracking follows by email.`).join("\n\n");
const systemPrompts = [
  `You are the ACME support assistant. Answer from the policy and follow the examples' tone. [[fake:promptcache]]\n\nPOLICY\n${policy}\n\nEXAMPLES\n${examples}`,
  `You are the ACME returns assistant. Be brief and cite the clause. [[fake:promptcache]]\n\nPOLICY\n${policy}\n\nEXAMPLES\n${examples}`,
];
const questions = ["What is the refund window?", "Can I return a gift?", "Where is my order?", "Do you ship to region 3?", "How do I change my address?"];

async function createDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `modelgate_bench_caching_${process.pid}`;
  const admin = postgres(serverUrl, { onnotice: () => {}, max: 1 });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: async () => void (await admin.unsafe(`drop database if exists ${name} with (force)`), await admin.end()) };
}

async function admin(base: string, route: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${base}${route}`, { method: "POST", headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${route}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

/** The workload: conversations of TURNS turns, system prompts and questions drawn in a fixed order. */
async function replay(base: string, key: string, scenario: Scenario): Promise<void> {
  const model = String(scenario.group.name);
  for (let conversation = 0; conversation < CONVERSATIONS; conversation++) {
    // Each scenario names itself first in the prompt so it starts with a cold provider cache (one fake serves all).
    const messages: { role: string; content: string }[] = [{ role: "system", content: `[${scenario.name}] ${systemPrompts[conversation % systemPrompts.length]}` }];
    // Conversations repeat every 10 (2 system prompts × 5 questions): what a response cache can answer.
    for (let turn = 0; turn < TURNS; turn++) {
      messages.push({ role: "user", content: questions[(conversation + turn) % questions.length] });
      const response = await fetch(`${base}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...scenario.headers },
        body: JSON.stringify({ model, messages, max_tokens: 200 }),
      });
      if (!response.ok) throw new Error(`${scenario.name}: ${response.status} ${await response.text()}`);
      const answer = (await response.json()) as { choices: { message: { content: string } }[] };
      messages.push({ role: "assistant", content: answer.choices[0].message.content });
    }
  }
}

interface Totals { requests: number; hits: number; input: number; cachedRead: number; cacheWrite: number; output: number; cost: string }

async function ledgerTotals(url: string, model: string, expected: number): Promise<Totals> {
  const sql = postgres(url, { onnotice: () => {}, max: 1 });
  try {
    for (let attempt = 0; attempt < 50; attempt++) {
      const [row] = await sql<{ requests: number; hits: number; input: string; cached: string; write: string; output: string; cost: string }[]>`
        select count(*)::int as requests, count(*) filter (where cache_status = 'hit')::int as hits, coalesce(sum(input_tokens), 0)::text as input, coalesce(sum(cached_input_tokens), 0)::text as cached,
               coalesce(sum(cache_write_tokens), 0)::text as write, coalesce(sum(output_tokens), 0)::text as output, coalesce(sum(cost_usd), 0)::text as cost
        from usage_ledger where requested_model = ${model}`;
      if (row.requests >= expected) return { requests: row.requests, hits: row.hits, input: Number(row.input), cachedRead: Number(row.cached), cacheWrite: Number(row.write), output: Number(row.output), cost: row.cost };
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`the ledger did not get ${expected} rows for ${model}`);
  } finally {
    await sql.end();
  }
}

function printTable(rows: { name: string; totals: Totals }[]): void {
  const baseline = Number(rows[0].totals.cost);
  const header = ["scenario", "requests", "cache hits", "input", "cached read", "cache write", "output", "cost USD", "vs no caching"];
  const lines = rows.map(({ name, totals }) => [
    name, String(totals.requests), String(totals.hits), String(totals.input), String(totals.cachedRead), String(totals.cacheWrite), String(totals.output),
    totals.cost.replace(/0+$/, ""), baseline > 0 ? `${(((Number(totals.cost) - baseline) / baseline) * 100).toFixed(1)} %` : "—",
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column].length)));
  for (const line of [header, ...lines]) console.log(line.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join("  "));
}

async function main() {
  const fake = await startFakeAnthropic();
  const database = await createDatabase();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "modelgate-bench-caching-"));
  const env = {
    NODE_ENV: "production", DATABASE_URL: database.url, GATEWAY_ENCRYPTION_KEY: randomBytes(32).toString("base64"), DATA_DIR: dataDir, LOG_LEVEL: "warn",
    GATEWAY_ADMIN_KEY: ADMIN_KEY, ANTHROPIC_API_KEY: FAKE_ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL: `${fake.url}/v1`, ADMIN_EMAIL: "bench@example.com", ADMIN_PASSWORD: "bench-password-123",
  };
  const gateway = await startTarget("gateway (npm start)", Number(process.env.BENCH_CACHING_PORT ?? 3395), process.execPath, ["dist/server.mjs"], env);
  try {
    const { key } = (await admin(gateway.url, "/api/admin/keys", { name: "bench-caching" })) as { key: string };
    const rows: { name: string; totals: Totals }[] = [];
    for (const scenario of SCENARIOS) {
      await admin(gateway.url, "/api/admin/groups", scenario.group);
      await scenario.setup?.(gateway.url);
      await new Promise((resolve) => setTimeout(resolve, 1500)); // the config snapshot reloads on NOTIFY
      await replay(gateway.url, key, scenario);
      rows.push({ name: scenario.name, totals: await ledgerTotals(database.url, String(scenario.group.name), CONVERSATIONS * TURNS) });
    }
    console.log(`modelgate caching workload — ${new Date().toISOString()} — ${CONVERSATIONS} conversations × ${TURNS} turns, ${systemPrompts.length} system prompts, ${questions.length} questions; claude-sonnet-4-5 list prices ($3 input, $0.30 cache read, $3.75 cache write, $15 output per 1M)\n`);
    printTable(rows);
  } finally {
    await stopProcess(gateway.child);
    await fake.close();
    await database.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

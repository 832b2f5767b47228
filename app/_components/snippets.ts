/** Ready-to-paste client snippets that point OpenAI clients at this gateway. */

export function curlSnippet(origin: string, key = "$MODELGATE_KEY", model = "gpt-4o-mini"): string {
  return [
    `curl ${origin || "http://localhost:3000"}/v1/chat/completions \\`,
    `  -H "authorization: Bearer ${key}" \\`,
    `  -H "content-type: application/json" \\`,
    `  -d '{"model":"${model}","messages":[{"role":"user","content":"Hello"}]}'`,
  ].join("\n");
}

export function envSnippet(origin: string, key: string): string {
  return [`OPENAI_BASE_URL=${origin}/v1`, `OPENAI_API_KEY=${key}`].join("\n");
}

export function sdkSnippet(origin: string, key: string): string {
  return [`import OpenAI from "openai";`, `const client = new OpenAI({ baseURL: "${origin}/v1", apiKey: "${key}" });`].join("\n");
}

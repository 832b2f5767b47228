/**
 * Beta feature names the fake Anthropic servers accept in `anthropic-beta` (and the fake Vertex in `anthropic_beta`).
 * Reference: https://platform.claude.com/docs/en/api/beta-headers — names separated by commas; an invalid or
 * unavailable name is a 400 invalid_request_error ("Unsupported beta header: <name>").
 * The names are the SDK's AnthropicBeta union (node_modules/@anthropic-ai/sdk resources/beta/beta.d.ts, 2024–2025
 * entries) plus those Claude Code sends (fine-grained-tool-streaming, claude-code, oauth, …).
 */
export const FAKE_KNOWN_BETAS: ReadonlySet<string> = new Set([
  "message-batches-2024-09-24", "prompt-caching-2024-07-31", "computer-use-2024-10-22", "computer-use-2025-01-24",
  "pdfs-2024-09-25", "token-counting-2024-11-01", "token-efficient-tools-2025-02-19", "output-128k-2025-02-19",
  "files-api-2025-04-14", "mcp-client-2025-04-04", "mcp-client-2025-11-20", "dev-full-thinking-2025-05-14",
  "interleaved-thinking-2025-05-14", "code-execution-2025-05-22", "extended-cache-ttl-2025-04-11", "context-1m-2025-08-07",
  "context-management-2025-06-27", "model-context-window-exceeded-2025-08-26", "skills-2025-10-02",
  "structured-outputs-2025-11-13", "computer-use-2025-11-24", "fine-grained-tool-streaming-2025-05-14",
  "claude-code-20250219", "oauth-2025-04-20", "web-fetch-2025-09-10", "effort-2025-11-24", "advanced-tool-use-2025-11-20",
  "tool-search-tool-2025-10-19",
]);

/** The error message the API answers for these names, or undefined when every name is known. */
export function unsupportedBetaMessage(names: readonly string[]): string | undefined {
  const unknown = names.find((name) => !FAKE_KNOWN_BETAS.has(name));
  return unknown === undefined ? undefined : `Unsupported beta header: ${unknown}`;
}

/** The names of an `anthropic-beta` header value (comma-separated, trimmed). */
export function splitBetaHeader(value: string): string[] {
  return value.split(",").map((name) => name.trim()).filter((name) => name !== "");
}

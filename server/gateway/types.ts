/**
 * The gateway's transport- and provider-neutral shapes. Providers import only from here.
 */
export type { CacheControl, ChatRequest, ChatMessage, ContentPart, ToolCall, ToolDefinition, ToolChoice, ResponseFormat } from "./chat-request";
import type { ChatRequest } from "./chat-request";
import type { StreamParser } from "./stream/stream-parser";

/** Wire format an adapter speaks. New providers add their id here. */
export type ProviderId =
  | "openai"
  | "anthropic"
  | "gemini"
  | "deepseek"
  | "mistral"
  | "qwen"
  | "groq"
  | "together"
  | "fireworks"
  | "xai"
  | "openrouter"
  | "local"
  | "azure"
  | "bedrock"
  | "vertex";

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter";

/** Token counts with OpenAI semantics: inputTokens includes cached and cache-write tokens. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** Prompt tokens read from the provider's cache (a subset of inputTokens). */
  cachedInputTokens?: number;
  /** Prompt tokens written to the provider's cache (a subset of inputTokens; Anthropic). */
  cacheWriteTokens?: number;
  /** The part of cacheWriteTokens written with a 1-hour TTL (Anthropic), priced at the cache_write_1h meter. */
  cacheWrite1hTokens?: number;
  /** Reasoning tokens (a subset of outputTokens). */
  reasoningTokens?: number;
}

/** A parameter the provider could not honour as asked. Stored on the request, never silent. */
export interface Warning {
  code: "unsupported_parameter" | "clamped_parameter" | "renamed_parameter" | "other";
  param?: string;
  message: string;
}

/** Where one attempt goes: a provider connection plus the upstream model id. */
export interface Target {
  provider: ProviderId;
  connectionId: string;
  /** Base URL without trailing slash, e.g. https://api.openai.com/v1 */
  baseUrl: string;
  /** Decrypted credential; empty string for keyless local servers. */
  apiKey: string;
  /** The provider's own model id. */
  upstreamModel: string;
  /** The public name the caller asked for. */
  modelName: string;
  /** Max output tokens the model allows (for defaults/clamping), if known. */
  maxOutputTokens?: number;
  /** Automatic provider prompt-cache breakpoints (Anthropic Messages): the model group's `prompt_cache`, else the default. */
  promptCache?: PromptCacheSettings;
}

/** README "Provider prompt caching". */
export interface PromptCacheSettings {
  /** auto: breakpoints after long tool lists and system prompts; off: only the caller's own. */
  mode: "auto" | "off";
  /** The lifetime asked for the automatic breakpoints (Anthropic: 5m, or 1h at a higher write price). */
  ttl: "5m" | "1h";
  /** Also a breakpoint on the conversation's last message, so the next turn reads the history from the cache. */
  conversation: boolean;
}

export interface UpstreamRequest {
  /** POST unless said otherwise (connection probes use GET). */
  method?: "GET" | "POST";
  url: string;
  headers: Record<string, string>;
  body: string;
  warnings: Warning[];
  /** A request this provider cannot take as sent (e.g. a reserved tool name): the gateway answers it without sending. */
  rejection?: GatewayError;
}

export interface ChatToolCall {
  id: string;
  name: string;
  arguments: string;
}

export interface ChatChoice {
  index: number;
  text: string | null;
  reasoning?: string;
  /**
   * The opaque signature of the reasoning (Anthropic's thinking block `signature`), to be sent back unchanged with
   * the reasoning in a later turn. Set only when the answer held exactly one signed thinking block, ahead of any
   * redacted ones (the only order the normalized shape can replay).
   */
  reasoningSignature?: string;
  /** Encrypted reasoning the provider would not show (Anthropic `redacted_thinking` blocks' `data`), in order. */
  redactedReasoning?: string[];
  toolCalls?: ChatToolCall[];
  finishReason: FinishReason;
}

/** A complete (non-stream) answer, normalized. */
export interface ChatResult {
  choices: ChatChoice[];
  /** Undefined when the provider sent no usage (the gateway then estimates). */
  usage?: Usage;
  /** Upstream's own response id, for the log only. */
  upstreamId?: string;
}

/** Normalized stream events. `choice` defaults to 0. */
export type StreamEvent =
  | { type: "text-delta"; choice?: number; text: string }
  | { type: "reasoning-delta"; choice?: number; text: string }
  /** Closes the reasoning streamed so far with its signature (whole, never split): Anthropic's signature_delta. */
  | { type: "reasoning-signature"; choice?: number; signature: string }
  /** One block of encrypted reasoning (Anthropic's redacted_thinking `data`), whole. */
  | { type: "redacted-reasoning"; choice?: number; data: string }
  | { type: "tool-call-delta"; choice?: number; toolIndex: number; id?: string; name?: string; argumentsDelta: string }
  /** Exactly once, last, on a clean upstream finish: finish reason per choice index, usage if the provider sent it. */
  | { type: "finish"; finishReasons: FinishReason[]; usage?: Usage }
  /** Last event when the stream failed; no finish follows. `usage`: what the provider reported before it failed (billed). */
  | { type: "error"; error: GatewayError; usage?: Usage };

/** One decoded server-sent event. */
export interface SseEvent {
  event?: string;
  data: string;
  id?: string;
}

export type GatewayError =
  | { kind: "invalid_request"; message: string; param?: string; code?: string }
  | { kind: "unauthorized"; message?: string }
  | { kind: "forbidden"; reason: "residency" | "keyword" | "role" | "region" | "model" | "policy"; message?: string; ruleId?: string; code?: string }
  | { kind: "not_found"; message: string }
  | { kind: "payload_too_large"; limitBytes: number }
  /** A POST body declared as something other than JSON (content-type.ts). */
  | { kind: "unsupported_media_type" }
  /** A budget refused the request (429 insufficient_quota), or could not be checked (status 503). */
  | { kind: "budget_exceeded"; message: string; code?: string; status?: number; retryAfterMs?: number }
  | { kind: "rate_limited"; retryAfterMs?: number; message?: string; code?: string }
  | { kind: "upstream"; provider: ProviderId; status: number; message: string; retryAfterMs?: number; type?: string; code?: string; param?: string }
  /** `scope: "attempt"`: a model group's per-attempt limit passed (timeouts.total_ms), not the request's own. */
  | { kind: "timeout"; phase: "connect" | "first_token" | "idle" | "total" | "client_body"; scope?: "attempt" }
  | { kind: "stream_cut"; provider: ProviderId }
  | { kind: "no_route"; model: string }
  /** No deployment of a model group can take requests now (circuits open): 503, retry later. */
  | { kind: "unavailable"; message: string; code?: string; retryAfterMs?: number }
  | { kind: "internal" };

/** A failure may carry `usage`: what the provider reported before it failed (a routed attempt's row bills it). */
export type Result<T> = { ok: true; value: T } | { ok: false; error: GatewayError; usage?: Usage };

/**
 * What an adapter's async authorization step may use: the gateway's upstream client (undici, SSRF guard unless the
 * connection is trusted), already bound to this connection's provider id and trust, and the request's abort signal.
 */
export interface UpstreamAuthContext {
  send(request: UpstreamRequest, signal: AbortSignal): Promise<Result<{ status: number; text(): Promise<string> }>>;
  trusted: boolean;
  signal: AbortSignal;
}

/**
 * Optional, for providers whose credential step is asynchronous: a short-lived token fetched over the network (Vertex:
 * a service-account key → an OAuth access token), or an async signer (Bedrock: SigV4, no network). `buildRequest` stays
 * pure and synchronous; the attempt loop calls `authorize` before every send (so a retry gets a fresh token or
 * signature) and `onUnauthorized` after an upstream 401.
 */
export interface UpstreamAuthorizer {
  /** Returns the request with its credentials added, or a GatewayError (never carrying the credential). */
  authorize?(request: UpstreamRequest, target: Target, context: UpstreamAuthContext): Promise<Result<UpstreamRequest>>;
  /**
   * The provider refused `request`'s credential (HTTP 401): forget whatever was cached for it. Returns true when a
   * cached token was dropped, so the attempt loop re-authorizes and sends once more at once (a revoked or early-expired
   * token); false when the credential itself is at fault.
   */
  onUnauthorized?(request: UpstreamRequest, target: Target): boolean;
}

export interface ProviderAdapter extends UpstreamAuthorizer {
  readonly id: ProviderId;
  /**
   * Optional: how http(s) image URLs reach this provider. "pass" (the default) hands them on; "fetch" has the gateway
   * download them first (SSRF-guarded, inline-remote-images.ts) and pass `data:` URLs, for providers that only take bytes.
   */
  readonly remoteImages?: "pass" | "fetch";
  /**
   * Optional: the most choices one upstream call returns for `target` (`n`; Anthropic and Bedrock: 1). Absent, or
   * undefined for this target: the provider takes any `n` itself. A larger `n` is fanned out by the gateway into concurrent calls of at most this many
   * choices each (chat/fan-out/), so `buildRequest` is only ever handed an `n` within it.
   */
  maxChoicesPerCall?(target: Target): number | undefined;
  /** Pure: no network. Translates an OpenAI-shaped request into the provider's request. */
  buildRequest(request: ChatRequest, target: Target): UpstreamRequest;
  /** Parses a successful (2xx) non-stream response body (already JSON-decoded). */
  parseResponse(body: unknown): Result<ChatResult>;
  /**
   * Turns decoded SSE events into normalized events. flush() ends with `finish` when the upstream
   * ended cleanly, or with `error` ({kind:"stream_cut"}) when its end marker never came. A StreamParser
   * (defineStreamParser) runs as direct calls on the hot path; a web TransformStream still works, piped.
   */
  parseStream(): StreamParser<SseEvent, StreamEvent> | TransformStream<SseEvent, StreamEvent>;
  /**
   * Optional: turns the upstream stream body into SseEvents when the provider does not speak SSE (Bedrock's binary
   * event-stream). When absent the gateway uses sseDecoder().
   */
  streamDecoder?(): StreamParser<Uint8Array, SseEvent> | TransformStream<Uint8Array, SseEvent>;
  /** Maps a non-2xx upstream response to a GatewayError (kind "upstream" unless something better fits). */
  parseError(status: number, body: string, headers: Headers): GatewayError;
}

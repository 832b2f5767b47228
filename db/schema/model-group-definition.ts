/**
 * A model group's definition (model_groups.definition and every model_group_versions.definition): the deployments a
 * public model name routes to, how one is picked, what follows on failure. Validated by server/admin/group-input.ts;
 * README "Model groups and routing".
 */
export type RoutingStrategy = "weighted" | "least_in_flight" | "lowest_latency" | "lowest_cost" | "priority";

export interface DeploymentDefinition {
  /** Stable within the group (trace, headers, health): e.g. "openai-east". */
  id: string;
  /** A catalog model of the org: its connection, upstream model, region, context window and prices. */
  model: string;
  weight: number;
  /** Lower is tried first by the priority strategy (spill-over to the next). */
  priority: number;
  /** Parameters set on every request this deployment serves (the caller's own value is replaced). */
  overrides: { max_tokens?: number; temperature?: number; top_p?: number; reasoning_effort?: "minimal" | "low" | "medium" | "high" };
  /** What the deployment's model can take; a request needing more skips it (unknown to the catalog: say so here). */
  supports: { tools: boolean; images: boolean; structured_output: boolean };
  /** Priority strategy: concurrent requests above this spill to the next deployment. */
  max_in_flight?: number;
}

export interface GroupDefinition {
  strategy: RoutingStrategy;
  deployments: DeploymentDefinition[];
  /** Ordered: other groups or catalog models tried once every deployment of this group failed or was unfit. */
  fallbacks: string[];
  retry: {
    /** Upstream attempts in all, first one included. */
    max_attempts: number;
    base_delay_ms: number;
    max_delay_ms: number;
    /** No attempt starts later than this after the request arrived. */
    deadline_ms: number;
    /** Retries of one deployment stay within this share of the group's requests over the window. */
    budget_ratio: number;
    budget_window_ms: number;
  };
  fallback_on: { content_filter: boolean };
  /** Keep one conversation (user, prompt_cache_key, stable system prefix) on one healthy deployment (weighted, least_in_flight, lowest_latency). */
  session_affinity: boolean;
  /**
   * Per attempt, in place of the gateway-wide UPSTREAM_*_TIMEOUT_MS for this group's attempts (README "Model groups and
   * routing", Timeouts): connect_ms (the TCP/TLS connect), first_token_ms (the send plus the first streamed event, or
   * the whole non-stream answer), idle_ms (the longest silence between body chunks), total_ms (the whole attempt, a
   * committed stream included). An attempt over one is aborted upstream at once and fails with that phase; the next
   * attempt starts its own clocks. Absent: the gateway-wide value.
   */
  timeouts: { connect_ms?: number; first_token_ms?: number; idle_ms?: number; total_ms?: number };
  circuit: { failure_threshold: number; error_rate: number; min_requests: number; cooldown_ms: number };
  /** Context-window management of the group's requests (README "Context-window management"); mode error: as before. */
  context: { mode: "error" | "truncate" | "summarize" | "fallback" | "split"; margin_tokens: number; summarize_model?: string; fallback_model?: string; split_overlap_tokens: number; split_concurrency: number };
  /**
   * Provider prompt caching (README "Provider prompt caching"): automatic Anthropic cache_control breakpoints after
   * long tool lists and system prompts (and, with conversation, on the last message), with this ttl; "off" sends only
   * the caller's own breakpoints.
   */
  prompt_cache: { mode: "auto" | "off"; ttl: "5m" | "1h"; conversation: boolean };
  /**
   * The response cache of the group's requests (README "Response cache", precedence): inherit (the key's and the org's
   * settings), or off / org / key with its own TTL and semantic settings (absent: the org's; null: none).
   */
  response_cache: { mode: "inherit" | "off" | "org" | "key"; ttl_seconds?: number; semantic?: { model: string; threshold: number } | null };
}

"use client";

import { CheckboxField, SelectField, TextField } from "@/app/_components/field";
import type { GroupDefinition } from "@/db/schema/model-group-definition";
import { CONTEXT_MODES, DEFAULT_CONTEXT_SETTINGS } from "@/server/gateway/context/context-settings";
import { groupDefinitionFields } from "@/server/gateway/routing/group-schema";

/** The group form's context-window and prompt-cache fields, as typed (README "Context-window management", "Provider prompt caching"). */
export interface ContextCacheValues {
  contextMode: GroupDefinition["context"]["mode"];
  marginTokens: string;
  summarizeModel: string;
  fallbackModel: string;
  splitOverlapTokens: string;
  splitConcurrency: string;
  promptCacheMode: GroupDefinition["prompt_cache"]["mode"];
  promptCacheTtl: GroupDefinition["prompt_cache"]["ttl"];
  promptCacheConversation: boolean;
  responseCacheMode: GroupDefinition["response_cache"]["mode"];
  responseCacheTtl: string;
}

const contextModeHints: Record<GroupDefinition["context"]["mode"], string> = {
  error: "An overflowing prompt is sent as it is (the provider's context_length_exceeded).",
  truncate: "The oldest whole turns are dropped; system messages and the latest turn are kept.",
  summarize: "Older turns are replaced by a summary written by the summary model.",
  fallback: "An overflowing request goes to the fallback model (a larger window).",
  split: "A long document is split into parts, answered part by part and combined.",
};

export function toContextCacheValues(definition?: GroupDefinition): ContextCacheValues {
  const context = definition?.context ?? DEFAULT_CONTEXT_SETTINGS;
  const promptCache = definition?.prompt_cache ?? { mode: "auto", ttl: "5m", conversation: false };
  const responseCache = definition?.response_cache ?? { mode: "inherit" };
  return {
    contextMode: context.mode,
    marginTokens: String(context.margin_tokens),
    summarizeModel: context.summarize_model ?? "",
    fallbackModel: context.fallback_model ?? "",
    splitOverlapTokens: String(context.split_overlap_tokens),
    splitConcurrency: String(context.split_concurrency),
    promptCacheMode: promptCache.mode,
    promptCacheTtl: promptCache.ttl,
    promptCacheConversation: promptCache.conversation,
    responseCacheMode: responseCache.mode,
    responseCacheTtl: responseCache.ttl_seconds?.toString() ?? "",
  };
}

const responseCacheHints: Record<GroupDefinition["response_cache"]["mode"], string> = {
  inherit: "The key's mode, else the org's default (Settings).",
  off: "Never cached, whatever the key or the org say.",
  org: "The org's keys share answers (a key set to off or key narrows it).",
  key: "Each key has its own answers.",
};

const toInteger = (value: string) => (value.trim() === "" ? undefined : Number(value));

type ContextCacheFieldsValue = Pick<GroupDefinition, "context" | "prompt_cache" | "response_cache">;

/**
 * The definition's `context`, `prompt_cache` and `response_cache`, checked with the schema the server uses; errors
 * keyed by field path. The response cache's semantic settings (admin API only) are kept as they were.
 */
export function readContextCache(values: ContextCacheValues, current?: GroupDefinition): { ok: true; value: ContextCacheFieldsValue } | { ok: false; errors: Record<string, string> } {
  const context = groupDefinitionFields.context.safeParse({
    mode: values.contextMode,
    margin_tokens: toInteger(values.marginTokens),
    summarize_model: values.summarizeModel.trim() || undefined,
    fallback_model: values.fallbackModel.trim() || undefined,
    split_overlap_tokens: toInteger(values.splitOverlapTokens),
    split_concurrency: toInteger(values.splitConcurrency),
  });
  const promptCache = groupDefinitionFields.prompt_cache.safeParse({ mode: values.promptCacheMode, ttl: values.promptCacheTtl, conversation: values.promptCacheConversation });
  const semantic = current?.response_cache?.semantic;
  const responseCache = groupDefinitionFields.response_cache.safeParse({ mode: values.responseCacheMode, ttl_seconds: values.responseCacheMode === "inherit" ? undefined : toInteger(values.responseCacheTtl), ...(semantic !== undefined ? { semantic } : {}) });
  const errors: Record<string, string> = {};
  for (const issue of context.error?.issues ?? []) errors[["context", ...issue.path].join(".")] ??= issue.message;
  for (const issue of promptCache.error?.issues ?? []) errors[["prompt_cache", ...issue.path].join(".")] ??= issue.message;
  for (const issue of responseCache.error?.issues ?? []) errors[["response_cache", ...issue.path].join(".")] ??= issue.message;
  if (!context.success || !promptCache.success || !responseCache.success) return { ok: false, errors };
  return { ok: true, value: { context: context.data, prompt_cache: promptCache.data, response_cache: responseCache.data } };
}

interface Props {
  values: ContextCacheValues;
  onChange: (patch: Partial<ContextCacheValues>) => void;
  modelNames: string[];
  /** The message for a field path ("context.margin_tokens"), from the form's own check or the server's answer. */
  fieldError: (path: string) => string | undefined;
}

export function ContextCacheFields({ values, onChange, modelNames, fieldError }: Props) {
  return (
    <>
      <fieldset className="space-y-2" aria-label="Context window">
        <legend className="text-xs font-semibold text-neutral-600">Context window</legend>
        <div className="grid grid-cols-3 gap-3">
          <SelectField label="Context mode" value={values.contextMode} onChange={(event) => onChange({ contextMode: event.target.value as ContextCacheValues["contextMode"] })} hint={contextModeHints[values.contextMode]} error={fieldError("context.mode")}>
            {CONTEXT_MODES.map((mode) => (
              <option key={mode} value={mode}>
                {mode}
              </option>
            ))}
          </SelectField>
          <SelectField label="Summary model" value={values.summarizeModel} onChange={(event) => onChange({ summarizeModel: event.target.value })} hint="Writes the summaries of summarize." error={fieldError("context.summarize_model")}>
            <option value="">None</option>
            {modelNames.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </SelectField>
          <TextField label="Fallback model" value={values.fallbackModel} placeholder="none" onChange={(event) => onChange({ fallbackModel: event.target.value })} hint="A larger-window model or group." error={fieldError("context.fallback_model")} />
        </div>
        <div className="grid grid-cols-3 gap-3">
          <TextField label="Margin tokens" inputMode="numeric" value={values.marginTokens} onChange={(event) => onChange({ marginTokens: event.target.value })} hint="Kept free beyond prompt + max_tokens." error={fieldError("context.margin_tokens")} />
          <TextField label="Split overlap tokens" inputMode="numeric" value={values.splitOverlapTokens} onChange={(event) => onChange({ splitOverlapTokens: event.target.value })} error={fieldError("context.split_overlap_tokens")} />
          <TextField label="Split concurrency" inputMode="numeric" value={values.splitConcurrency} onChange={(event) => onChange({ splitConcurrency: event.target.value })} hint="Parts in flight at once (1–16)." error={fieldError("context.split_concurrency")} />
        </div>
      </fieldset>
      <fieldset className="space-y-2" aria-label="Provider prompt caching">
        <legend className="text-xs font-semibold text-neutral-600">Provider prompt caching</legend>
        <div className="grid grid-cols-3 items-end gap-3">
          <SelectField label="Prompt cache mode" value={values.promptCacheMode} onChange={(event) => onChange({ promptCacheMode: event.target.value as ContextCacheValues["promptCacheMode"] })} hint={values.promptCacheMode === "auto" ? "Anthropic breakpoints added after long tools and system prompts." : "Only the caller's own breakpoints."} error={fieldError("prompt_cache.mode")}>
            <option value="auto">auto</option>
            <option value="off">off</option>
          </SelectField>
          <SelectField label="Prompt cache TTL" value={values.promptCacheTtl} onChange={(event) => onChange({ promptCacheTtl: event.target.value as ContextCacheValues["promptCacheTtl"] })} hint="1h writes cost 2x input, 5m 1.25x." error={fieldError("prompt_cache.ttl")}>
            <option value="5m">5 minutes</option>
            <option value="1h">1 hour</option>
          </SelectField>
          <CheckboxField label="Cache the conversation (last message)" checked={values.promptCacheConversation} onChange={(event) => onChange({ promptCacheConversation: event.target.checked })} />
        </div>
      </fieldset>
      <fieldset className="space-y-2" aria-label="Response cache mode">
        <legend className="text-xs font-semibold text-neutral-600">Response cache</legend>
        <div className="grid grid-cols-3 gap-3">
          <SelectField label="Response cache mode" value={values.responseCacheMode} onChange={(event) => onChange({ responseCacheMode: event.target.value as ContextCacheValues["responseCacheMode"] })} hint={responseCacheHints[values.responseCacheMode]} error={fieldError("response_cache.mode")}>
            <option value="inherit">inherit</option>
            <option value="off">off</option>
            <option value="org">org</option>
            <option value="key">key</option>
          </SelectField>
          <TextField label="Response cache TTL (seconds)" inputMode="numeric" value={values.responseCacheTtl} placeholder="the org's" disabled={values.responseCacheMode === "inherit"} onChange={(event) => onChange({ responseCacheTtl: event.target.value })} error={fieldError("response_cache.ttl_seconds")} />
        </div>
      </fieldset>
    </>
  );
}

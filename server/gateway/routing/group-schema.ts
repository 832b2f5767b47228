import { z } from "zod";
import type { GroupDefinition } from "@/db/schema/model-group-definition";
import { MAX_CACHE_TTL_SECONDS } from "../cache/cache-settings";
import { contextSettingsSchema, DEFAULT_CONTEXT_SETTINGS } from "../context/context-settings";

const deploymentId = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "letters, digits, '.', '_' or '-', at most 64");
const modelName = z.string().trim().min(1).max(256);

export const deploymentSchema = z.object({
  id: deploymentId,
  model: modelName,
  weight: z.number().int().min(1).max(1000).default(1),
  priority: z.number().int().min(0).max(1000).default(0),
  overrides: z
    .object({
      max_tokens: z.number().int().positive().max(1_000_000).optional(),
      temperature: z.number().min(0).max(2).optional(),
      top_p: z.number().min(0).max(1).optional(),
      reasoning_effort: z.enum(["minimal", "low", "medium", "high"]).optional(),
    })
    .strict()
    .default({}),
  supports: z.object({ tools: z.boolean().default(true), images: z.boolean().default(true), structured_output: z.boolean().default(true) }).default({ tools: true, images: true, structured_output: true }),
  max_in_flight: z.number().int().positive().max(100_000).optional(),
});

/** The fields of a group's definition (the admin API takes them beside the group's name). */
export const groupDefinitionFields = {
  strategy: z.enum(["weighted", "least_in_flight", "lowest_latency", "lowest_cost", "priority"]).default("weighted"),
  deployments: z.array(deploymentSchema).min(1).max(50),
  fallbacks: z.array(modelName).max(10).default([]),
  retry: z
    .object({
      max_attempts: z.number().int().min(1).max(10).default(3),
      base_delay_ms: z.number().int().min(0).max(60_000).default(250),
      max_delay_ms: z.number().int().min(0).max(120_000).default(10_000),
      deadline_ms: z.number().int().min(100).max(600_000).default(60_000),
      budget_ratio: z.number().min(0).max(1).default(0.2),
      budget_window_ms: z.number().int().min(1000).max(3_600_000).default(60_000),
    })
    .default({ max_attempts: 3, base_delay_ms: 250, max_delay_ms: 10_000, deadline_ms: 60_000, budget_ratio: 0.2, budget_window_ms: 60_000 }),
  fallback_on: z.object({ content_filter: z.boolean().default(false) }).default({ content_filter: false }),
  session_affinity: z.boolean().default(true),
  timeouts: z
    .object({
      connect_ms: z.number().int().min(50).max(600_000).optional(),
      first_token_ms: z.number().int().min(50).max(600_000).optional(),
      idle_ms: z.number().int().min(50).max(600_000).optional(),
      total_ms: z.number().int().min(50).max(3_600_000).optional(),
    })
    .strict()
    .default({}),
  prompt_cache: z
    .object({
      mode: z.enum(["auto", "off"]).default("auto"),
      ttl: z.enum(["5m", "1h"]).default("5m"),
      conversation: z.boolean().default(false),
    })
    .strict()
    .default({ mode: "auto", ttl: "5m", conversation: false }),
  response_cache: z
    .object({
      mode: z.enum(["inherit", "off", "org", "key"]).default("inherit"),
      ttl_seconds: z.number().int().min(1).max(MAX_CACHE_TTL_SECONDS).optional(),
      semantic: z.object({ model: modelName, threshold: z.number().min(0.5).max(1) }).strict().nullish(),
    })
    .strict()
    .default({ mode: "inherit" }),
  circuit: z
    .object({
      failure_threshold: z.number().int().min(1).max(1000).default(5),
      error_rate: z.number().gt(0).max(1).default(0.5),
      min_requests: z.number().int().min(1).max(10_000).default(10),
      cooldown_ms: z.number().int().min(100).max(3_600_000).default(30_000),
    })
    .default({ failure_threshold: 5, error_rate: 0.5, min_requests: 10, cooldown_ms: 30_000 }),
  context: contextSettingsSchema.default(DEFAULT_CONTEXT_SETTINGS),
};

/** Deployment ids are unique within a group (the trace and the headers name them). */
export function checkDeploymentIds(definition: { deployments: { id: string }[] }, context: z.RefinementCtx): void {
  const seen = new Set<string>();
  definition.deployments.forEach((deployment, index) => {
    if (seen.has(deployment.id)) context.addIssue({ code: "custom", path: ["deployments", index, "id"], message: `deployment id "${deployment.id}" is used twice` });
    seen.add(deployment.id);
  });
}

/** A group's definition with defaults filled in (README "Model groups and routing"); also how snapshot rows are read. */
export const groupDefinitionSchema = z.object(groupDefinitionFields).superRefine(checkDeploymentIds) satisfies z.ZodType<GroupDefinition, unknown>;

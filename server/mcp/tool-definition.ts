import { createHash } from "node:crypto";
import type { McpToolDefinition } from "@/db/schema/mcp-servers";

/** The fields that are pinned, from an upstream's `tools/list` entry (anything else is neither hashed nor exposed). */
export function toToolDefinition(tool: { name: string; title?: unknown; description?: unknown; inputSchema?: unknown; outputSchema?: unknown; annotations?: unknown }): McpToolDefinition {
  const definition: McpToolDefinition = { name: tool.name, inputSchema: isObject(tool.inputSchema) ? tool.inputSchema : { type: "object" } };
  if (typeof tool.title === "string") definition.title = tool.title;
  if (typeof tool.description === "string") definition.description = tool.description;
  if (isObject(tool.outputSchema)) definition.outputSchema = tool.outputSchema;
  if (isObject(tool.annotations)) definition.annotations = tool.annotations;
  return definition;
}

/** SHA-256 of the definition in canonical JSON (keys sorted at every level), so key order never changes the hash. */
export function hashToolDefinition(definition: McpToolDefinition): string {
  return createHash("sha256").update(canonicalJson(definition)).digest("hex");
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).filter((key) => value[key] !== undefined).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

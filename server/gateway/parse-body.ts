import type { z } from "zod";
import type { GatewayError, Result } from "./types";

/** Formats a JSON path the way OpenAI names parameters: messages[0].content */
function formatPath(path: PropertyKey[]): string {
  return path.reduce<string>((text, part) => (typeof part === "number" ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)), "");
}

/** Validates a decoded body; the error names the first offending field, as OpenAI does. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): Result<T> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { ok: false, error: { kind: "invalid_request", message: "The request body must be a JSON object.", code: "invalid_request_body" } };
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, error: describeIssue(parsed.error.issues[0], body) };
}

function describeIssue(issue: z.core.$ZodIssue, body: unknown): GatewayError {
  const param = formatPath(issue.path);
  const present = issue.path.reduce<unknown>((value, key) => (value && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[key] : undefined), body);
  if (present === undefined) {
    return { kind: "invalid_request", message: `Missing required parameter: '${param}'.`, param, code: "missing_required_parameter" };
  }
  if (issue.code === "invalid_type") {
    return { kind: "invalid_request", message: `Invalid type for '${param}': expected ${issue.expected}.`, param, code: "invalid_type" };
  }
  return { kind: "invalid_request", message: `Invalid value for '${param}': ${issue.message}.`, param, code: "invalid_value" };
}

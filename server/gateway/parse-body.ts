import type { z } from "zod";
import { describeIssue } from "./describe-issue";
import type { Result } from "./types";

/** Validates a decoded body; the error names the first offending field, as OpenAI does (describe-issue.ts). */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): Result<T> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { ok: false, error: { kind: "invalid_request", message: "The request body must be a JSON object.", code: "invalid_request_body" } };
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, error: describeIssue(parsed.error.issues[0], body) };
}

import type { z } from "zod";
import { countCharacters, truncateCallerText } from "./caller-text";
import type { GatewayError } from "./types";

/**
 * A zod issue → the 400 OpenAI would send for it: `param` names the field (messages[0].content), and bounds use
 * OpenAI's codes and sentences, e.g. "Invalid 'tools': array too long. Expected an array with maximum length 128, but
 * got an array with length 129 instead." (array_above_max_length). Caller-supplied names (keys) are quoted truncated.
 */
type Issue = z.core.$ZodIssue;

/** Fields OpenAI types as decimals ("decimal above maximum value"); other bounded numbers are integers. */
const DECIMAL_FIELDS = new Set(["temperature", "top_p", "presence_penalty", "frequency_penalty"]);

const invalid = (message: string, code: string, param?: string): GatewayError => ({ kind: "invalid_request", message, code, ...(param === undefined ? {} : { param }) });

export function describeIssue(issue: Issue, body: unknown): GatewayError {
  const bound = issue.code === "invalid_union" ? rootBoundIn(issue) : undefined;
  if (bound) return describeIssue({ ...bound, path: issue.path }, body);
  const param = formatPath(issue.path);
  const present = issue.path.reduce<unknown>((value, key) => (value && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[key] : undefined), body);
  if (present === undefined) return invalid(`Missing required parameter: '${param}'.`, "missing_required_parameter", param);
  switch (issue.code) {
    case "invalid_type":
      return invalid(`Invalid type for '${param}': expected ${issue.expected}.`, "invalid_type", param);
    case "too_big":
      return describeTooBig(issue, param, present) ?? invalidValue(issue, param);
    case "too_small":
      return describeTooSmall(issue, param, present) ?? invalidValue(issue, param);
    case "invalid_format":
      if (issue.format !== "regex" || !issue.pattern) return invalidValue(issue, param);
      return invalid(`Invalid '${param}': string does not match pattern. Expected a string that matches the pattern '${patternSource(issue.pattern)}'.`, "invalid_value", param);
    case "invalid_key":
      return describeKey(issue, param) ?? invalidValue(issue, param);
    case "custom":
      if (typeof issue.params?.code !== "string") return invalidValue(issue, param);
      return invalid(issue.message, issue.params.code, issue.params.param === null ? undefined : param);
    default:
      return invalidValue(issue, param);
  }
}

function invalidValue(issue: Issue, param: string): GatewayError {
  return invalid(`Invalid value for '${param}': ${issue.message}.`, "invalid_value", param);
}

function describeTooBig(issue: Extract<Issue, { code: "too_big" }>, param: string, present: unknown): GatewayError | undefined {
  const max = Number(issue.maximum);
  if (Array.isArray(present)) return invalid(`Invalid '${param}': array too long. Expected an array with maximum length ${max}, but got an array with length ${present.length} instead.`, "array_above_max_length", param);
  if (typeof present === "string") {
    return invalid(`Invalid '${param}': string too long. Expected a string with maximum length ${max}, but got a string with length ${countCharacters(present)} instead.`, "string_above_max_length", param);
  }
  if (typeof present === "number") {
    const type = numberType(issue.path, max, present);
    return invalid(`Invalid '${param}': ${type} above maximum value. Expected a value <= ${max}, but got ${present} instead.`, `${type}_above_max_value`, param);
  }
  if (issue.origin === "object" && present && typeof present === "object") {
    const count = Object.keys(present).length;
    return invalid(`Invalid '${param}': too many properties. Expected an object with at most ${max} properties, but got an object with ${count} properties instead.`, "object_above_max_properties", param);
  }
  return undefined;
}

function describeTooSmall(issue: Extract<Issue, { code: "too_small" }>, param: string, present: unknown): GatewayError | undefined {
  const min = Number(issue.minimum);
  if (Array.isArray(present)) {
    if (present.length === 0) return invalid(`Invalid '${param}': empty array. Expected an array with minimum length ${min}, but got an empty array instead.`, "empty_array", param);
    return invalid(`Invalid '${param}': array too short. Expected an array with minimum length ${min}, but got an array with length ${present.length} instead.`, "array_below_min_length", param);
  }
  if (typeof present !== "number") return undefined;
  const type = numberType(issue.path, min, present);
  return invalid(`Invalid '${param}': ${type} below minimum value. Expected a value >= ${min}, but got ${present} instead.`, `${type}_below_min_value`, param);
}

/** A record key over its maximum length (metadata keys): OpenAI's property_name_above_max_length. */
function describeKey(issue: Extract<Issue, { code: "invalid_key" }>, param: string): GatewayError | undefined {
  const keyIssue = issue.issues[0];
  const key = issue.path.at(-1);
  if (keyIssue?.code !== "too_big" || typeof key !== "string") return undefined;
  const parent = formatPath(issue.path.slice(0, -1));
  const message = `Invalid property name in '${parent}': '${truncateCallerText(key)}' is too long. Expected a string with maximum length ${Number(keyIssue.maximum)}, but got a string with length ${countCharacters(key)} instead.`;
  return invalid(message, "property_name_above_max_length", param);
}

/** In a union whose value had the right shape but too many items (stop: 5 strings), that bound is the answer. */
function rootBoundIn(issue: Extract<Issue, { code: "invalid_union" }>): Issue | undefined {
  for (const branch of issue.errors) {
    const bound = branch.find((candidate) => candidate.code === "too_big" && candidate.path.length === 0);
    if (bound) return bound;
  }
  return undefined;
}

function numberType(path: PropertyKey[], bound: number, value: number): "integer" | "decimal" {
  const field = path.at(-1);
  return typeof field === "string" && DECIMAL_FIELDS.has(field) ? "decimal" : Number.isInteger(bound) && Number.isInteger(value) ? "integer" : "decimal";
}

/** zod reports a regex as "/source/flags"; OpenAI quotes the source. */
function patternSource(pattern: string): string {
  return pattern.startsWith("/") ? pattern.slice(1, pattern.lastIndexOf("/")) : pattern;
}

/** Formats a JSON path the way OpenAI names parameters: messages[0].content (caller-supplied keys truncated). */
export function formatPath(path: PropertyKey[]): string {
  return path.reduce<string>((text, part) => {
    if (typeof part === "number") return `${text}[${part}]`;
    const name = truncateCallerText(String(part));
    return text ? `${text}.${name}` : name;
  }, "");
}

/**
 * Mistral's error bodies for the Mistral fake (mistral-fake.ts, mistral-embeddings.ts): the flat shape
 * {"object":"error","message","type","param","code"}; see mistral-fake.ts for where each wording was recorded.
 */
import type { FakeContext } from "./common";

type Json = Record<string, unknown>;

export interface MistralError {
  status: number;
  /** A string, or pydantic's {detail: [...]} object for a 422. */
  message: string | Json;
  type?: string;
  code?: string | null;
}

export function sendMistralError(context: FakeContext, error: MistralError): void {
  context.json(error.status, { object: "error", message: error.message, type: error.type ?? "invalid_request_error", param: null, code: error.code ?? null });
}

/** pydantic's 422 for fields outside the schema: one detail entry per field, at its location in the body. */
export function extraForbidden(locations: { loc: (string | number)[]; input: unknown }[]): MistralError {
  return { status: 422, message: { detail: locations.map(({ loc, input }) => ({ type: "extra_forbidden", loc: ["body", ...loc], msg: "Extra inputs are not permitted", input })) } };
}

/**
 * Tool-call ids for servers that take only one shape of id. Mistral accepts exactly 9 characters of [a-zA-Z0-9]
 * and answers anything else with a 400 ("Tool call id was call_… but must be a-z, A-Z, 0-9, with a length of 9.",
 * https://github.com/nearai/ironclaw/issues/1241; https://docs.mistral.ai/capabilities/function_calling), so a
 * conversation that began on another provider (OpenAI's call_…, Anthropic's toolu_…) could not continue there.
 *
 * Each id that does not fit becomes a fitting id derived from a hash of it: deterministic, so the call and its result
 * match and a client that sends its history again gets the same ids; ids that already fit (Mistral's own) stay as
 * sent, so they reach the client unchanged and come back unchanged. A derived id never equals another id of the same
 * request (it is rehashed with a counter until it is free). Chat Completions is stateless: the mapping only has to
 * hold within one request, and the client never sees a mapped id.
 */
import { createHash } from "node:crypto";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

type JsonBody = Record<string, unknown>;

/** Rewrites assistant `tool_calls[].id` and tool `tool_call_id` in built messages that are not `length` of [a-zA-Z0-9]. */
export function fitToolCallIds(messages: JsonBody[], length: number): void {
  const fits = new RegExp(`^[a-zA-Z0-9]{${length}}$`);
  const ids = messages.flatMap(idsOf);
  const taken = new Set(ids.filter((id) => fits.test(id)));
  const mapped = new Map<string, string>();
  for (const id of ids) {
    if (taken.has(id) || mapped.has(id)) continue;
    let candidate = derive(id, length, 0);
    for (let attempt = 1; taken.has(candidate); attempt++) candidate = derive(id, length, attempt);
    taken.add(candidate);
    mapped.set(id, candidate);
  }
  if (mapped.size === 0) return;
  for (const message of messages) {
    if (Array.isArray(message.tool_calls)) for (const call of message.tool_calls as JsonBody[]) call.id = mapped.get(call.id as string) ?? call.id;
    if (typeof message.tool_call_id === "string") message.tool_call_id = mapped.get(message.tool_call_id) ?? message.tool_call_id;
  }
}

function idsOf(message: JsonBody): string[] {
  if (message.role === "assistant" && Array.isArray(message.tool_calls)) return (message.tool_calls as JsonBody[]).map((call) => String(call.id));
  if (message.role === "tool" && typeof message.tool_call_id === "string") return [message.tool_call_id];
  return [];
}

/** `length` characters of [a-zA-Z0-9] from SHA-256 of the id (and the attempt, after a clash). */
function derive(id: string, length: number, attempt: number): string {
  const digest = createHash("sha256").update(attempt === 0 ? id : `${attempt}:${id}`).digest();
  return Array.from(digest.subarray(0, length), (byte) => ALPHABET[byte % ALPHABET.length]).join("");
}

import type { ChatResult, ProviderAdapter, Result } from "../types";
import { classifyUpstreamFailure, type UpstreamResponse } from "../upstream";

/** A 2xx non-stream answer's body → the adapter's normalized result (a body that is not JSON is a 502). */
export async function readChatResult(response: UpstreamResponse, adapter: Pick<ProviderAdapter, "id" | "parseResponse">): Promise<Result<ChatResult>> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    return { ok: false, error: classifyUpstreamFailure(error, adapter.id) };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: { kind: "upstream", provider: adapter.id, status: 502, message: "the provider sent a response that is not JSON" } };
  }
  return adapter.parseResponse(json);
}

/** The text and tool arguments an answer produced, for estimates when the provider reported no usage. */
export function producedTextOf(result: ChatResult): string {
  return result.choices.map((choice) => (choice.text ?? "") + (choice.toolCalls ?? []).map((call) => call.name + call.arguments).join("")).join("");
}

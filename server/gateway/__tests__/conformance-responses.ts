/**
 * The `responses` column of the conformance matrix: request builder and answer readers for POST /v1/responses.
 * References:
 *   https://platform.openai.com/docs/api-reference/responses/create     (input items, input_image, function tools,
 *                                                                        text.format json_schema, reasoning.effort, store)
 *   https://platform.openai.com/docs/api-reference/responses/object     (output items message / function_call / reasoning,
 *                                                                        usage.output_tokens_details.reasoning_tokens)
 *   https://platform.openai.com/docs/api-reference/responses-streaming  (response.output_text.delta, response.reasoning_text.delta,
 *                                                                        response.output_item.added, response.function_call_arguments.delta,
 *                                                                        response.completed)
 * The matrix sends `store: false`: no cell needs a stored conversation.
 */
import type { Answer, Feature } from "./conformance-cells";
import { ANSWER_SCHEMA, PNG_DATA_URL, WEATHER_PARAMETERS } from "./conformance-cells";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- decoded answers, read field by field

export function buildResponsesBody(model: string, feature: Feature, stream: boolean): Record<string, unknown> {
  const base = { model, stream, store: false };
  const user = (content: unknown) => ({ ...base, input: [{ role: "user", content }] });
  switch (feature) {
    case "text":
      return { ...base, input: "Hi" };
    case "tools":
      return { ...user("Weather in Paris? [[fake:tool]]"), tools: [{ type: "function", name: "get_weather", description: "The weather in a city", parameters: WEATHER_PARAMETERS }] };
    case "image":
      return user([{ type: "input_text", text: "What is this?" }, { type: "input_image", image_url: PNG_DATA_URL }]);
    case "json_schema":
      return { ...user("Answer in JSON."), text: { format: { type: "json_schema", name: "answer", strict: true, schema: ANSWER_SCHEMA } } };
    case "reasoning":
      return { ...user("Think, then answer."), reasoning: { effort: "low" } };
  }
}

/** A Response object: its output items and usage. `finish` is the response status (Responses has no finish reason). */
export function readResponseJson(answer: Answer, body: Json): Answer {
  const output = body.output as Json[];
  const text = output.filter((item) => item.type === "message").flatMap((item) => item.content as Json[]).filter((part) => part.type === "output_text").map((part) => part.text).join("");
  const reasoning = output.filter((item) => item.type === "reasoning").flatMap((item) => [...(item.content ?? []), ...(item.summary ?? [])] as Json[]).map((part) => part.text).join("");
  const toolCalls = output.filter((item) => item.type === "function_call").map((item) => ({ name: item.name as string, arguments: JSON.parse(item.arguments as string) as unknown }));
  return { ...answer, text, reasoning, toolCalls, finish: body.status, reasoningTokens: body.usage?.output_tokens_details?.reasoning_tokens ?? null };
}

/** The streamed events, joined: text and reasoning deltas, function calls by output index, then response.completed. */
export function readResponseStream(answer: Answer, events: Json[]): Answer {
  const calls = new Map<number, { name: string; json: string }>();
  let text = "";
  let reasoning = "";
  let completed: Json | undefined;
  for (const event of events) {
    switch (event.type) {
      case "response.output_text.delta":
        text += event.delta;
        break;
      case "response.reasoning_text.delta":
      case "response.reasoning_summary_text.delta":
        reasoning += event.delta;
        break;
      case "response.output_item.added":
        if (event.item.type === "function_call") calls.set(event.output_index, { name: event.item.name, json: "" });
        break;
      case "response.function_call_arguments.delta":
        calls.get(event.output_index)!.json += event.delta;
        break;
      case "response.completed":
      case "response.incomplete":
        completed = event.response;
        break;
    }
  }
  const toolCalls = [...calls.values()].map((call) => ({ name: call.name, arguments: JSON.parse(call.json || "{}") as unknown }));
  return { ...answer, text, reasoning, toolCalls, finish: completed?.status ?? null, reasoningTokens: completed?.usage?.output_tokens_details?.reasoning_tokens ?? null };
}

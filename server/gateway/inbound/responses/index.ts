import { parseBody } from "../../parse-body";
import type { ChatChoice } from "../../types";
import type { AnswerMeta, InboundFormat, PrepareStep } from "../inbound-format";
import { answerMessage, loadConversation, saveConversation } from "./conversation";
import { ENCRYPTED_REASONING, responsesRequestSchema, toChatRequest } from "./request";
import { responseId, toResponse, toResponsesError, type ResponseEcho, type ResponseMeta } from "./response";
import { ResponsesStreamEncoder } from "./stream";

const NO_ECHO: ResponseEcho = { instructions: null, previousResponseId: null, store: false, metadata: {} };

/**
 * OpenAI Responses API in (`POST /v1/responses`), served by any provider through the same
 * pipeline. Each request binds its own format (request fields echoed in the Response object,
 * and the hook that stores the conversation once answered).
 */
function createResponsesFormat(echo: ResponseEcho, onAnswer?: (choice: ChatChoice, meta: ResponseMeta) => void): InboundFormat {
  const responseMeta = (meta: AnswerMeta): ResponseMeta => ({ ...echo, id: responseId(meta.requestId), model: meta.model, created: meta.created });
  return {
    endpoint: "/v1/responses",
    allowXApiKey: false,
    parseRequest(body) {
      const parsed = parseBody(responsesRequestSchema, body);
      if (!parsed.ok) return parsed;
      const request = parsed.value;
      const { chatRequest, instructions, input, warnings } = toChatRequest(request);
      const store = request.store ?? true;
      const requestEcho: ResponseEcho = { instructions: request.instructions ?? null, previousResponseId: request.previous_response_id ?? null, store, metadata: request.metadata ?? {}, includeEncryptedReasoning: request.include?.includes(ENCRYPTED_REASONING) ?? false };
      if (input.length === 0 && !request.previous_response_id) {
        return { ok: false, error: { kind: "invalid_request", message: "Missing required parameter: 'input'.", param: "input", code: "missing_required_parameter" } };
      }
      const prepare: PrepareStep = async (context) => {
        const loaded = await loadConversation({ previousResponseId: requestEcho.previousResponseId, instructions, input }, context);
        if (!loaded.ok) return loaded;
        const keeps = store || context.deps.responses?.remember !== undefined; // store:false: only a WebSocket connection keeps it
        const save = keeps ? (choice: ChatChoice, meta: ResponseMeta) => saveConversation(context, { id: meta.id, model: meta.model, messages: [...loaded.value.history, ...input, answerMessage(choice)] }, store) : undefined;
        return { ok: true, value: { chatRequest: { ...chatRequest, messages: loaded.value.messages }, format: createResponsesFormat(requestEcho, save) } };
      };
      return { ok: true, value: { chatRequest, warnings, prepare } };
    },
    encodeResult(result, usage, meta) {
      const response = responseMeta(meta);
      if (result.choices[0]) onAnswer?.(result.choices[0], response);
      return toResponse(result.choices[0], usage, response);
    },
    createStreamEncoder(meta) {
      const response = responseMeta(meta);
      return new ResponsesStreamEncoder(response, onAnswer && ((choice) => onAnswer(choice, response)));
    },
    encodeError: toResponsesError,
  };
}

export const responsesInbound: InboundFormat = createResponsesFormat(NO_ECHO);

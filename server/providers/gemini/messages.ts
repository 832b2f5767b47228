/**
 * OpenAI messages → Gemini `systemInstruction` + `contents`.
 *
 * - Content / Part (text, inlineData, fileData, functionCall, functionResponse, thoughtSignature):
 *   https://ai.google.dev/api/caching#Content
 * - Roles are "user" and "model"; function responses travel in a "user" turn, in the order of the calls:
 *   https://ai.google.dev/gemini-api/docs/function-calling
 * - External http(s) URLs are accepted as fileData.fileUri (with a mimeType):
 *   https://ai.google.dev/gemini-api/docs/file-input-methods
 * - Thought signatures: OpenAI history has nowhere to carry them, so replayed function calls get the
 *   documented placeholder signature (Gemini 3 otherwise rejects the turn with 400):
 *   https://ai.google.dev/gemini-api/docs/thought-signatures
 */
import type { ChatMessage, ContentPart } from "@/server/gateway/types";
import type { WarningSink } from "./warnings";

export type GeminiPartInput = Record<string, unknown>;
export interface GeminiContent {
  role: "user" | "model";
  parts: GeminiPartInput[];
}
export interface TranslatedMessages {
  systemInstruction?: { parts: { text: string }[] };
  contents: GeminiContent[];
}

/** The placeholder the thought-signatures guide documents for replayed calls without their signature. */
export const REPLAYED_THOUGHT_SIGNATURE = "skip_thought_signature_validator";

const imageMimeTypes: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  webp: "image/webp",
  gif: "image/gif",
  heic: "image/heic",
  heif: "image/heif",
  pdf: "application/pdf",
};

type TextContent = string | { type: "text"; text: string }[] | null | undefined;

function textParts(content: TextContent): { text: string }[] {
  if (content === null || content === undefined) return [];
  const texts = typeof content === "string" ? [content] : content.map((part) => part.text);
  return texts.filter((text) => text !== "").map((text) => ({ text }));
}

function joinText(content: TextContent): string {
  if (content === null || content === undefined) return "";
  return typeof content === "string" ? content : content.map((part) => part.text).join("");
}

function parseDataUrl(url: string): { mimeType: string; data: string } | undefined {
  const match = /^data:([^;,]+)(?:;[^;,=]+=[^;,]*)*;base64,(.*)$/s.exec(url);
  return match ? { mimeType: match[1], data: match[2] } : undefined;
}

function guessMimeType(url: string, warnings: WarningSink): string {
  let pathname = url;
  try {
    pathname = new URL(url).pathname;
  } catch {
    // keep the raw string
  }
  const extension = /\.([a-z0-9]+)$/i.exec(pathname)?.[1]?.toLowerCase();
  const mimeType = extension ? imageMimeTypes[extension] : undefined;
  if (mimeType) return mimeType;
  warnings.other("messages.content.image_url.url", "The image URL has no known file extension; sent to Gemini as image/jpeg.");
  return "image/jpeg";
}

function imagePart(part: Extract<ContentPart, { type: "image_url" }>, warnings: WarningSink): GeminiPartInput | undefined {
  const { url, detail } = part.image_url;
  if (detail && detail !== "auto") warnings.unsupported("messages.content.image_url.detail", "Gemini has no per-image detail setting; detail was ignored.");
  const inline = parseDataUrl(url);
  if (inline) return { inlineData: inline };
  if (/^https?:\/\//i.test(url)) return { fileData: { mimeType: guessMimeType(url, warnings), fileUri: url } };
  warnings.unsupported("messages.content.image_url.url", "Only base64 data: URLs and http(s) URLs can be sent to Gemini; the image was dropped.");
  return undefined;
}

function filePart(part: Extract<ContentPart, { type: "file" }>, warnings: WarningSink): GeminiPartInput | undefined {
  const inline = part.file.file_data ? parseDataUrl(part.file.file_data) : undefined;
  if (inline) return { inlineData: inline };
  const param = part.file.file_id ? "messages.content.file.file_id" : "messages.content.file.file_data";
  warnings.unsupported(param, "Gemini accepts files only as base64 data: URLs here; the file was dropped.");
  return undefined;
}

function userPart(part: ContentPart, warnings: WarningSink): GeminiPartInput | undefined {
  switch (part.type) {
    case "text":
      return part.text === "" ? undefined : { text: part.text };
    case "image_url":
      return imagePart(part, warnings);
    case "input_audio":
      return { inlineData: { mimeType: `audio/${part.input_audio.format}`, data: part.input_audio.data } };
    case "file":
      return filePart(part, warnings);
  }
}

function parseArguments(text: string, warnings: WarningSink): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text || "{}");
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  warnings.other("messages.tool_calls.function.arguments", "Tool call arguments were not a JSON object; sent to Gemini as {}.");
  return {};
}

function toolResponse(content: TextContent): Record<string, unknown> {
  const text = joinText(content);
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // not JSON: wrap below
  }
  return { output: text };
}

function modelParts(message: Extract<ChatMessage, { role: "assistant" }>, warnings: WarningSink): GeminiPartInput[] {
  if (message.reasoning_content) warnings.unsupported("messages.reasoning_content", "Gemini does not accept earlier reasoning text; it was dropped.");
  const calls = (message.tool_calls ?? []).map((call, index) => ({
    functionCall: { name: call.function.name, args: parseArguments(call.function.arguments, warnings) },
    ...(index === 0 ? { thoughtSignature: REPLAYED_THOUGHT_SIGNATURE } : {}),
  }));
  return [...textParts(message.content), ...calls];
}

function collectToolNames(messages: ChatMessage[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const message of messages) {
    if (message.role !== "assistant") continue;
    for (const call of message.tool_calls ?? []) names.set(call.id, call.function.name);
  }
  return names;
}

function push(contents: GeminiContent[], role: GeminiContent["role"], parts: GeminiPartInput[]): void {
  if (parts.length === 0) return;
  const last = contents.at(-1);
  if (last && last.role === role) last.parts.push(...parts);
  else contents.push({ role, parts });
}

export function translateMessages(messages: ChatMessage[], warnings: WarningSink): TranslatedMessages {
  const toolNames = collectToolNames(messages);
  const system: { text: string }[] = [];
  const contents: GeminiContent[] = [];
  for (const message of messages) {
    if ("name" in message && message.name) warnings.unsupported("messages.name", "Gemini has no participant names; name was ignored.");
    switch (message.role) {
      case "system":
      case "developer":
        system.push(...textParts(message.content));
        break;
      case "user": {
        const parts: (GeminiPartInput | undefined)[] =
          typeof message.content === "string" ? textParts(message.content) : message.content.map((part) => userPart(part, warnings));
        push(contents, "user", parts.filter((part): part is GeminiPartInput => part !== undefined));
        break;
      }
      case "assistant":
        push(contents, "model", modelParts(message, warnings));
        break;
      case "tool": {
        const name = toolNames.get(message.tool_call_id);
        if (!name) warnings.other("messages.tool_call_id", `No earlier tool call has id ${message.tool_call_id}; the result was sent under that id as the function name.`);
        push(contents, "user", [{ functionResponse: { name: name ?? message.tool_call_id, response: toolResponse(message.content) } }]);
        break;
      }
    }
  }
  return { ...(system.length > 0 ? { systemInstruction: { parts: system } } : {}), contents };
}

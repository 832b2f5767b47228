import { env } from "@/server/env";
import { fetchImage } from "./fetch-image";
import type { ChatRequest, ContentPart, ProviderAdapter, Result } from "./types";

/**
 * The provider-agnostic pre-step for adapters that declare `remoteImages: "fetch"` (they take bytes, not URLs):
 * every http(s) `image_url.url` in the request becomes a `data:` URL fetched through fetchImage's SSRF guard.
 * Requests without remote images, and adapters that pass URLs on, are returned as they are, with no work done.
 * Reference: https://platform.openai.com/docs/api-reference/chat/create (image_url: a URL or base64 data URL).
 */
export async function inlineRemoteImages(request: ChatRequest, adapter: ProviderAdapter, signal: AbortSignal): Promise<Result<ChatRequest>> {
  if (adapter.remoteImages !== "fetch") return { ok: true, value: request };
  const remote = findRemoteImages(request);
  if (remote.length === 0) return { ok: true, value: request };

  // All fetched at once; the first refusal in request order wins and cancels the rest.
  const controller = new AbortController();
  const combined = AbortSignal.any([signal, controller.signal]);
  const allowPrivateHosts = env().GATEWAY_ALLOW_PRIVATE_HOSTS;
  const pending = remote.map(({ url, param }) => fetchImage(url, { allowPrivateHosts, param, signal: combined }));
  const dataUrls = new Map<ContentPart, string>();
  for (const [index, { part }] of remote.entries()) {
    const result = await pending[index];
    if (!result.ok) {
      controller.abort();
      return result;
    }
    dataUrls.set(part, `data:${result.value.mediaType};base64,${result.value.base64}`);
  }
  const messages = request.messages.map((message) => {
    if (message.role !== "user" || typeof message.content === "string") return message;
    return { ...message, content: message.content.map((part) => (dataUrls.has(part) && part.type === "image_url" ? { ...part, image_url: { ...part.image_url, url: dataUrls.get(part)! } } : part)) };
  });
  return { ok: true, value: { ...request, messages } };
}

function findRemoteImages(request: ChatRequest): Array<{ url: string; param: string; part: ContentPart }> {
  const found: Array<{ url: string; param: string; part: ContentPart }> = [];
  request.messages.forEach((message, messageIndex) => {
    if (message.role !== "user" || typeof message.content === "string") return;
    message.content.forEach((part, partIndex) => {
      if (part.type === "image_url" && /^https?:/i.test(part.image_url.url)) {
        found.push({ url: part.image_url.url, param: `messages[${messageIndex}].content[${partIndex}].image_url`, part });
      }
    });
  });
  return found;
}

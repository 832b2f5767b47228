/**
 * Local OpenAI-compatible servers (Ollama, vLLM, LM Studio): no API key, so no Authorization header
 * (the shared request builder omits it when the connection's key is empty).
 * References:
 *   https://docs.ollama.com/api/openai-compatibility                         (default http://localhost:11434/v1)
 *   https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html      (default http://localhost:8000/v1)
 *   https://lmstudio.ai/docs/app/api/endpoints/openai                         (default http://localhost:1234/v1)
 * Each server accepts a different subset of fields and tolerates the rest, so the table stays empty.
 */
import type { ProviderAdapter } from "@/server/gateway/types";
import { openAICompatible } from "../openai";

export const local: ProviderAdapter = openAICompatible({ id: "local" });

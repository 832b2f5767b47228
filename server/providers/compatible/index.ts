/** Nearly-OpenAI providers: each is `openAICompatible({ id, quirks })` with its documented quirks. */
export { deepseek } from "./deepseek";
export { fireworks } from "./fireworks";
export { groq } from "./groq";
export { local } from "./local";
export { mistral } from "./mistral";
export { openrouter } from "./openrouter";
export { qwen } from "./qwen";
export { together } from "./together";
export { xai } from "./xai";

import { describe, expect, test } from "vitest";
import { captureBody, metadataOf } from "./stored-body";

describe("stored request bodies", () => {
  test("metadata keeps parameters and the prompt's shape, never its text", () => {
    const body = {
      model: "gpt-4o-mini",
      temperature: 0.2,
      stream: true,
      user: "u-1",
      system: "you are secret",
      messages: [
        { role: "system", content: "top secret instructions" },
        { role: "user", content: [{ type: "text", text: "my card 4111" }, { type: "image_url", image_url: { url: "data:..." } }] },
        { role: "assistant", content: null, tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{\"pin\":1234}" } }] },
      ],
      tools: [{ type: "function", function: { name: "lookup", description: "secret description", parameters: {} } }],
      metadata: { team: "search" },
    };
    const kept = metadataOf(body);
    expect(kept).toEqual({
      model: "gpt-4o-mini",
      temperature: 0.2,
      stream: true,
      user: "u-1",
      system: { chars: 14 },
      messages: [
        { role: "system", parts: 1, chars: 23 },
        { role: "user", parts: 2, chars: 12 },
        { role: "assistant", parts: 0, chars: 0, tool_calls: 1 },
      ],
      tools: ["lookup"],
      metadata: { team: "search" },
    });
    expect(JSON.stringify(kept)).not.toMatch(/secret|4111|1234/);
  });

  test("embeddings input and long strings are reduced to lengths", () => {
    expect(metadataOf({ model: "e", input: "some private text", prompt_cache_key: "x".repeat(300) })).toEqual({ model: "e", input: { chars: 17 }, prompt_cache_key: { chars: 300 } });
  });

  test("none keeps nothing; full keeps the body as given", () => {
    expect(captureBody("none", { a: 1 }, () => null)).toBeUndefined();
    expect(captureBody(undefined, { a: 1 }, () => null)).toBeUndefined();
    expect(captureBody("full", { a: 1 }, () => "eu-west-1")).toEqual({ mode: "full", callerRegion: "eu-west-1", body: { a: 1 } });
  });
});

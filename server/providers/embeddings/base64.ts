/**
 * `encoding_format: "base64"` as OpenAI answers it: the vector's float32 values, little-endian,
 * base64-encoded. The openai-node SDK asks for base64 by default and reads the bytes back as a
 * Float32Array (https://github.com/openai/openai-node, src/resources/embeddings.ts;
 * https://platform.openai.com/docs/api-reference/embeddings/create, encoding_format).
 */
export function encodeFloat32Base64(vector: readonly number[]): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString("base64");
}

export function decodeFloat32Base64(text: string): number[] {
  const bytes = Buffer.from(text, "base64");
  return Array.from({ length: bytes.length / 4 }, (_, index) => bytes.readFloatLE(index * 4));
}

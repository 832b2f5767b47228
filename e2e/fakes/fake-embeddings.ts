/**
 * The deterministic vectors both embeddings fakes return, so tests can compute expected answers.
 * Values are multiples of 1/16, exact in float32, so base64 float32 round-trips bit for bit.
 */
export const FAKE_EMBEDDING_DIMENSIONS = 8;

export function fakeEmbedding(text: string, dimensions = FAKE_EMBEDDING_DIMENSIONS): number[] {
  const seed = [...text].reduce((sum, character) => sum + character.codePointAt(0)!, 0);
  return Array.from({ length: dimensions }, (_, index) => (((seed + index * 5) % 17) - 8) / 16);
}

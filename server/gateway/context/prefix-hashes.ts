import { createHash } from "node:crypto";
import type { ChatMessage } from "../types";

/**
 * One hash per turn boundary of a conversation: hashes[b] stands for the messages of the first b turns (and the
 * summarizing model), chained so a conversation's next turn recomputes the same values for its shared prefix. The
 * summary cache is keyed by them (with the org): the longest stored prefix is the one reused.
 */
export function prefixHashes(messages: readonly ChatMessage[], turns: number[][], model: string): string[] {
  let hash = createHash("sha256").update(`modelgate-summary-v1\n${model}`).digest("hex");
  const hashes = [hash];
  for (const turn of turns) {
    const update = createHash("sha256").update(hash);
    for (const index of turn) update.update("\n").update(JSON.stringify(messages[index]));
    hash = update.digest("hex");
    hashes.push(hash);
  }
  return hashes;
}

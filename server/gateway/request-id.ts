import { randomBytes } from "node:crypto";

/** `req_` + 24 hex characters; also the ledger row id and, as `chatcmpl-…`, the completion id. */
export function newRequestId(): string {
  return `req_${randomBytes(12).toString("hex")}`;
}

export function completionId(requestId: string): string {
  return `chatcmpl-${requestId.slice(4)}`;
}

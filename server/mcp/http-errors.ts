/** The JSON-RPC code for a refused credential (the MCP SDKs' convention for server errors, -32000..-32099). */
export const JSON_RPC_UNAUTHORIZED = -32001;

const typeByStatus: Record<number, string> = { 401: "authentication_error", 403: "permission_error", 405: "invalid_request_error", 413: "invalid_request_error", 415: "invalid_request_error" };

/**
 * An HTTP-level refusal of POST /mcp: a JSON-RPC error response (id null, as the spec answers messages it could not
 * read), whose `data` carries the OpenAI-style `type`, `code` and `param` the rest of the API uses.
 */
export function httpError(status: number, code: number, message: string, headers: Record<string, string> = {}, errorCode?: string): Response {
  const body = { jsonrpc: "2.0", id: null, error: { code, message, data: { type: typeByStatus[status] ?? "invalid_request_error", code: errorCode ?? null, param: null } } };
  return Response.json(body, { status, headers });
}

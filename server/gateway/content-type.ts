/**
 * Whether a POST body declared as `contentType` may be read as JSON: `application/json` or any `application/*+json`,
 * case-insensitive, with any parameters (`; charset=utf-8`). Anything else (text/plain, which fetch() sends for a
 * string body; application/x-www-form-urlencoded, which `curl -d` sends; multipart/form-data…) is answered 415 before
 * the body is read, so a client that did not mean to send JSON gets a clear error instead of a parse guess, and a form
 * never reaches a provider. OpenAI's and Anthropic's APIs take JSON bodies
 * (https://docs.claude.com/en/api/overview: "You will need to send the content-type: application/json header").
 *
 * A request with no Content-Type (or an empty one) is read as JSON: many HTTP clients and scripts omit it for a JSON
 * body, the body is still validated as JSON, and refusing it would break them for no safety gain. WebSocket frames run
 * with the upgrade request's headers, which carry none.
 *
 * Hot path: the common exact value is one comparison; otherwise a few string operations, no regex.
 */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (contentType === undefined || contentType === "application/json") return true;
  const end = contentType.indexOf(";");
  const mediaType = (end === -1 ? contentType : contentType.slice(0, end)).trim().toLowerCase();
  return mediaType === "" || mediaType === "application/json" || (mediaType.startsWith("application/") && mediaType.endsWith("+json"));
}

/**
 * A webhook URL as it may be shown, logged or audited: scheme, host and port only. Hooks often carry their secret in
 * the path or query (https://hooks.example.com/services/T0/B0/XXXX), so those are never repeated once saved.
 */
export function maskWebhookUrl(text: string): string {
  try {
    const url = new URL(text);
    const hasMore = (url.pathname !== "/" && url.pathname !== "") || url.search !== "" || url.hash !== "";
    return `${url.protocol}//${url.host}${hasMore ? "/…" : "/"}`;
  } catch {
    return "(invalid URL)";
  }
}

/** An error as a delivery may record it: its status or error code, never a message that could quote the URL. */
export function deliveryErrorOf(error: unknown): string {
  const code = (error as { code?: unknown })?.code ?? (error as { cause?: { code?: unknown } })?.cause?.code;
  if (typeof code === "string" && /^[A-Z0-9_]{2,40}$/.test(code)) return `network error (${code})`;
  const name = (error as { name?: unknown })?.name;
  if (name === "AbortError" || name === "TimeoutError") return "timed out";
  return "network error";
}

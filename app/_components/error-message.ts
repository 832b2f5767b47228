interface ZodIssueLike {
  path?: Array<string | number>;
  message?: string;
}

/**
 * A readable message from a tRPC/network error. tRPC sends zod input errors as a JSON array of
 * issues in `message`; those become "field: message" lines.
 */
export function errorMessage(error: unknown): string {
  if (!error) return "";
  const message = error instanceof Error ? error.message : String(error);
  if (message.startsWith("[")) {
    try {
      const issues = JSON.parse(message) as ZodIssueLike[];
      return issues.map((issue) => (issue.path?.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message)).join("; ");
    } catch {
      return message;
    }
  }
  if (message === "Failed to fetch") return "Could not reach the server. Check your connection and try again.";
  return message;
}

/** Server messages that name a field first ("base_url must…"): which form field they belong to. */
export function errorField(error: unknown, fields: readonly string[]): string | undefined {
  const message = errorMessage(error);
  return fields.find((field) => message.startsWith(`${field} `) || message.startsWith(`${field}:`));
}

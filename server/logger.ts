/**
 * Structured JSON logs, one line per event on stdout. Never pass credentials, keys or prompts
 * here unless the operator asked for prompts (LOG_PROMPTS).
 */
type Level = "debug" | "info" | "warn" | "error";
const order: Record<Level | "silent", number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

function threshold(): number {
  const configured = (process.env.LOG_LEVEL ?? "info") as Level | "silent";
  return order[configured] ?? order.info;
}

function write(level: Level, message: string, fields?: Record<string, unknown>): void {
  if (order[level] < threshold()) return;
  const line = JSON.stringify({ level, time: new Date().toISOString(), msg: message, ...fields });
  if (level === "error" || level === "warn") process.stderr.write(line + "\n");
  else process.stdout.write(line + "\n");
}

export const logger = {
  debug: (message: string, fields?: Record<string, unknown>) => write("debug", message, fields),
  info: (message: string, fields?: Record<string, unknown>) => write("info", message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write("warn", message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write("error", message, fields),
};

/** An error's class and message only; never its stack or attached request data. */
export function describeError(error: unknown): { error_name: string; error_message: string } {
  if (error instanceof Error) return { error_name: error.name, error_message: error.message.slice(0, 300) };
  return { error_name: "unknown", error_message: String(error).slice(0, 300) };
}

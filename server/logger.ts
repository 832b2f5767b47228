/**
 * Structured JSON logs through pino: one line per event on stdout (level, time, pid, hostname, msg, fields).
 * Never pass credentials, keys or prompts here unless the operator asked for prompts (LOG_PROMPTS); as a second
 * line of defence, fields under the names in REDACTED_PATHS are written as "[redacted]" whatever passes them.
 *
 * Lines go through pino's asynchronous destination (sonic-boom), so the per-request line never blocks the event loop
 * on a slow stdout pipe; pino flushes it synchronously when the process exits, and shutdown calls flushLogs().
 */
import pino, { type DestinationStream, type Logger as PinoLogger } from "pino";

type Level = "debug" | "info" | "warn" | "error";
export type LogLevel = Level | "silent";

/** Field names that are masked wherever they appear at the top level or one object down. */
export const REDACTED_PATHS = [
  "authorization",
  "password",
  "api_key",
  "apiKey",
  "credential",
  "secret",
  "token",
  "headers.authorization",
  'headers["x-api-key"]',
  "*.authorization",
  "*.password",
  "*.api_key",
  "*.apiKey",
  "*.credential",
  "*.secret",
];

const LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error", "silent"];

function levelFromEnvironment(): LogLevel {
  const configured = process.env.LOG_LEVEL as LogLevel | undefined;
  return configured && LEVELS.includes(configured) ? configured : "info";
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** Whether a line at `level` would be written (the hot path skips building fields that would be dropped). */
  isEnabled(level: Level): boolean;
  /** Writes what is buffered now (used at shutdown). */
  flush(): void;
}

/** A logger on `destination` (stdout by default); tests pass their own stream. */
export function createLogger(options: { level?: LogLevel; destination?: DestinationStream } = {}): Logger {
  const destination = options.destination ?? pino.destination({ dest: 1, sync: false });
  const base: PinoLogger = pino(
    {
      level: options.level ?? levelFromEnvironment(),
      messageKey: "msg",
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    },
    destination,
  );
  const at = (level: Level) => (message: string, fields?: Record<string, unknown>) => (fields ? base[level](fields, message) : base[level](message));
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error"), isEnabled: (level) => base.isLevelEnabled(level), flush: () => base.flush() };
}

export const logger: Logger = createLogger();

export function flushLogs(): void {
  logger.flush();
}

/** An error's class and message only; never its stack or attached request data. */
export function describeError(error: unknown): { error_name: string; error_message: string } {
  if (error instanceof Error) return { error_name: error.name, error_message: error.message.slice(0, 300) };
  return { error_name: "unknown", error_message: String(error).slice(0, 300) };
}

import { z } from "zod";

const booleanish = z
  .enum(["true", "false", "1", "0", "yes", "no", ""])
  .optional()
  .transform((value) => value === "true" || value === "1" || value === "yes");

const booleanishDefaultTrue = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .optional()
  .transform((value) => value === undefined || value === "true" || value === "1" || value === "yes");
const otlpProtocol = z.enum(["http/protobuf", "http/json"], { message: "modelgate exports OTLP over HTTP: http/protobuf (the default) or http/json; grpc is not supported" }).optional();
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Every environment variable the app reads, parsed once. Documented in the README. */
export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: positiveInt(3000),
  /**
   * What this process serves: `all` (gateway + console, the single-machine default), `gateway` (the data plane
   * only: /v1/*, WebSocket, /api/health, /api/ready; Next.js is never loaded) or `console` (console, tRPC, auth,
   * admin API; no data plane). README "Deployment".
   */
  MODELGATE_ROLE: z.enum(["all", "gateway", "console"]).default("all"),
  /** At SIGTERM readiness turns false at once; the listener keeps accepting for this long so load balancers notice. */
  SHUTDOWN_DELAY_MS: z.coerce.number().int().min(0).default(0),
  /** Then in-flight requests and streams get this long to finish before their connections are closed. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),
  HOST: z.string().default("0.0.0.0"),
  PUBLIC_URL: z.string().url().optional(),
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().default("./.data"),
  GATEWAY_ENCRYPTION_KEY: z.string().optional(),
  GATEWAY_ADMIN_KEY: z.string().min(16, "GATEWAY_ADMIN_KEY must be at least 16 characters").optional(),
  AUTH_SECRET: z.string().optional(),
  ADMIN_EMAIL: z.string().email().optional(),
  ADMIN_PASSWORD: z.string().min(8, "ADMIN_PASSWORD must be at least 8 characters").optional(),
  /**
   * Optional OpenID Connect sign-in beside email and password (README "Single sign-on"): the IdP's issuer URL
   * (discovery at <issuer>/.well-known/openid-configuration), this gateway's client id and secret, the button's
   * name, the email domains allowed in (comma-separated; empty: any) and the role given to users it creates.
   */
  SSO_ISSUER: z.string().url("SSO_ISSUER must be the IdP's issuer URL").optional(),
  SSO_CLIENT_ID: z.string().optional(),
  SSO_CLIENT_SECRET: z.string().optional(),
  SSO_NAME: z.string().max(60).default("SSO"),
  SSO_ALLOWED_DOMAINS: z
    .string()
    .default("")
    .transform((value) => value.split(",").map((domain) => domain.trim().toLowerCase().replace(/^@/, "")).filter(Boolean)),
  SSO_DEFAULT_ROLE: z.enum(["admin", "developer", "finance", "viewer"], { message: "SSO_DEFAULT_ROLE must be admin, developer, finance or viewer (owners are made by an owner)" }).default("viewer"),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: z.string().url().default("https://api.openai.com/v1"),
  ANTHROPIC_API_KEY: z.string().optional(),
  ANTHROPIC_BASE_URL: z.string().url().default("https://api.anthropic.com/v1"),
  GEMINI_API_KEY: z.string().optional(),
  GEMINI_BASE_URL: z.string().url().default("https://generativelanguage.googleapis.com/v1beta"),
  DEEPSEEK_API_KEY: z.string().optional(),
  DEEPSEEK_BASE_URL: z.string().url().default("https://api.deepseek.com"),
  MISTRAL_API_KEY: z.string().optional(),
  MISTRAL_BASE_URL: z.string().url().default("https://api.mistral.ai/v1"),
  /** Alibaba Cloud Model Studio (DashScope) key; the default base URL is the Singapore region's compatible mode. */
  QWEN_API_KEY: z.string().optional(),
  QWEN_BASE_URL: z.string().url().default("https://dashscope-intl.aliyuncs.com/compatible-mode/v1"),
  GROQ_API_KEY: z.string().optional(),
  GROQ_BASE_URL: z.string().url().default("https://api.groq.com/openai/v1"),
  TOGETHER_API_KEY: z.string().optional(),
  TOGETHER_BASE_URL: z.string().url().default("https://api.together.xyz/v1"),
  FIREWORKS_API_KEY: z.string().optional(),
  FIREWORKS_BASE_URL: z.string().url().default("https://api.fireworks.ai/inference/v1"),
  XAI_API_KEY: z.string().optional(),
  XAI_BASE_URL: z.string().url().default("https://api.x.ai/v1"),
  OPENROUTER_API_KEY: z.string().optional(),
  OPENROUTER_BASE_URL: z.string().url().default("https://openrouter.ai/api/v1"),
  /** Azure OpenAI: a resource key or a Microsoft Entra ID token, the resource endpoint (https://<resource>.openai.azure.com), and the api-version. */
  AZURE_OPENAI_API_KEY: z.string().optional(),
  AZURE_OPENAI_ENDPOINT: z.string().url().optional(),
  AZURE_OPENAI_API_VERSION: z
    .string()
    .regex(/^(v1|\d{4}-\d{2}-\d{2}(-preview)?)$/, "AZURE_OPENAI_API_VERSION must be a dated version such as 2024-10-21 (or 2025-04-01-preview), or v1")
    .optional(),
  /** Amazon Bedrock: an IAM access key pair (and a session token for temporary credentials) and the runtime region. */
  AWS_BEDROCK_ACCESS_KEY_ID: z.string().optional(),
  AWS_BEDROCK_SECRET_ACCESS_KEY: z.string().optional(),
  AWS_BEDROCK_SESSION_TOKEN: z.string().optional(),
  AWS_BEDROCK_REGION: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "AWS_BEDROCK_REGION must be a region code such as us-east-1").default("us-east-1"),
  /**
   * Google Vertex AI: the project (empty uses the key's project_id), the location (a region such as us-east5, or
   * global), and a service account key, either as the JSON itself or as a path to the key file (read at boot).
   */
  VERTEX_PROJECT: z.string().regex(/^(?:[a-z0-9.-]+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/, "VERTEX_PROJECT must be a Google Cloud project ID such as my-project-123").optional(),
  VERTEX_LOCATION: z.string().regex(/^(?:global|[a-z]+(?:-[a-z]+)*\d+)$/, "VERTEX_LOCATION must be a location such as us-central1 or global").default("global"),
  VERTEX_SERVICE_ACCOUNT_JSON: z.string().optional(),
  GOOGLE_APPLICATION_CREDENTIALS: z.string().optional(),
  /** Comma-separated host names or CIDRs an admin may point provider base URLs at although they are private; "*" allows all. */
  GATEWAY_ALLOW_PRIVATE_HOSTS: z.string().default(""),
  /** Host names POST /mcp answers for, comma-separated ("*": any), besides PUBLIC_URL's and localhost's. README "MCP gateway". */
  MCP_ALLOWED_HOSTS: z.string().default(""),
  /** HMAC-SHA256 key of the x-modelgate-signature header on budget alert webhooks (unset: unsigned). */
  WEBHOOK_SIGNING_SECRET: z.string().min(16, "WEBHOOK_SIGNING_SECRET must be at least 16 characters").optional(),
  MAX_REQUEST_BODY_BYTES: positiveInt(20 * 1024 * 1024),
  CLIENT_BODY_TIMEOUT_MS: positiveInt(30_000),
  UPSTREAM_CONNECT_TIMEOUT_MS: positiveInt(10_000),
  /** Time to the first response byte (headers) and, for streams, to the first event. */
  UPSTREAM_FIRST_TOKEN_TIMEOUT_MS: positiveInt(120_000),
  /** Longest silence allowed between two stream events. */
  UPSTREAM_IDLE_TIMEOUT_MS: positiveInt(60_000),
  UPSTREAM_TOTAL_TIMEOUT_MS: positiveInt(600_000),
  /** Extra attempts after a retryable upstream failure (before the first streamed byte). */
  UPSTREAM_MAX_RETRIES: z.coerce.number().int().min(0).max(5).default(1),
  /** Longest Retry-After the gateway waits out itself before retrying; longer ones go back to the caller. */
  UPSTREAM_MAX_RETRY_AFTER_MS: positiveInt(5_000),
  LOG_PROMPTS: booleanish,
  /**
   * A header your trusted proxy sets with the caller's region (e.g. x-caller-region), read by policy rules and residency
   * instead of the key's region. Set it only when the proxy overwrites the header on every request.
   */
  TRUSTED_REGION_HEADER: z.string().regex(/^[A-Za-z0-9-]+$/, "TRUSTED_REGION_HEADER must be a header name").toLowerCase().optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  USAGE_FLUSH_INTERVAL_MS: positiveInt(250),
  CONFIG_REFRESH_INTERVAL_MS: positiveInt(30_000),
  /** How often each replica checks the running experiments' guardrails (README "A/B experiments"). */
  EXPERIMENT_GUARDRAIL_INTERVAL_MS: positiveInt(30_000),
  /** How often a bandit-mode experiment's split is recomputed, shared by the replicas (README "A/B experiments"). */
  EXPERIMENT_BANDIT_INTERVAL_MS: positiveInt(60_000),
  /** Shared rate limits across replicas (redis://…); unset, each process limits on its own (README "Rate limits"). */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "REDIS_URL must be a redis:// or rediss:// URL").optional(),
  /** Longest wait for one Redis command; past it the limit's fail mode applies. */
  REDIS_COMMAND_TIMEOUT_MS: positiveInt(250),
  /**
   * Budget slices a replica leases, sized for this many requests like the one asking (README "Budgets"); 0 turns
   * leasing off, so every budgeted request reserves in PostgreSQL.
   */
  BUDGET_LEASE_REQUESTS: z.coerce.number().int().min(0).max(10_000).default(32),
  /** How often each replica frees expired budget reservations and slices and recounts new budgets (README "Budgets"). */
  BUDGET_SWEEP_INTERVAL_MS: positiveInt(15_000),
  /** How often each replica looks for a provider cost import that is due (README "Provider cost import"); each runs daily. */
  COST_IMPORT_CHECK_INTERVAL_MS: positiveInt(60_000),
  /** How often each console process (role all or console) looks for a scheduled export whose month has ended or whose retry is due (README "Scheduled exports"). */
  EXPORT_DELIVERY_INTERVAL_MS: positiveInt(60_000),
  /** The routing-events timeline (circuit changes, cool-downs) keeps this many days. */
  ROUTING_EVENT_RETENTION_DAYS: positiveInt(30),
  /** Stored request bodies (keys or teams with body logging) are deleted after this many days. */
  REQUEST_BODY_RETENTION_DAYS: positiveInt(30),
  /** Prometheus metrics (README "Metrics and traces"): on unless set to false. */
  METRICS_ENABLED: booleanishDefaultTrue,
  /** A second listener serving GET /metrics without a token (for a scraper on a private network). */
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** Where METRICS_PORT listens; defaults to 127.0.0.1. */
  METRICS_HOST: z.string().default("127.0.0.1"),
  // OpenTelemetry: the SDK reads these itself; parsed here so a bad value stops the start, and to know whether to load it.
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().regex(/^https?:\/\/[^/\s]+/, "OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL such as http://collector:4318").optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.string().regex(/^https?:\/\/[^/\s]+/, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be an http(s) URL such as http://collector:4318/v1/traces").optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: otlpProtocol,
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: otlpProtocol,
  OTEL_SDK_DISABLED: booleanish,
  OTEL_TRACES_EXPORTER: z.enum(["otlp", "none"], { message: "OTEL_TRACES_EXPORTER must be otlp or none" }).optional(),
}).superRefine((settings, context) => {
  // Azure has no default endpoint: a key alone cannot be used.
  if (Boolean(settings.AWS_BEDROCK_ACCESS_KEY_ID) !== Boolean(settings.AWS_BEDROCK_SECRET_ACCESS_KEY)) {
    context.addIssue({ code: "custom", path: ["AWS_BEDROCK_SECRET_ACCESS_KEY"], message: "AWS_BEDROCK_ACCESS_KEY_ID and AWS_BEDROCK_SECRET_ACCESS_KEY are set together" });
  }
  if (settings.SSO_ISSUER || settings.SSO_CLIENT_ID || settings.SSO_CLIENT_SECRET) {
    for (const name of ["SSO_ISSUER", "SSO_CLIENT_ID", "SSO_CLIENT_SECRET"] as const) {
      if (!settings[name]) context.addIssue({ code: "custom", path: [name], message: `${name} is required for single sign-on (SSO_ISSUER, SSO_CLIENT_ID and SSO_CLIENT_SECRET are set together)` });
    }
  }
  if (settings.AZURE_OPENAI_API_KEY && !settings.AZURE_OPENAI_ENDPOINT) {
    context.addIssue({ code: "custom", path: ["AZURE_OPENAI_ENDPOINT"], message: "AZURE_OPENAI_ENDPOINT is required when AZURE_OPENAI_API_KEY is set" });
  }
});
export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  // An empty variable (FOO=) means "not set", as in most tools.
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

/** The process environment, parsed once. */
export function env(): Env {
  cached ??= readEnv();
  return cached;
}

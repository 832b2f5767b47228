/**
 * A Vertex connection's stored credential: a service-account key JSON, or a ready OAuth 2.0 access token.
 *
 * References:
 * - Service-account key file fields (type, project_id, private_key_id, private_key, client_email, token_uri):
 *   https://cloud.google.com/iam/docs/keys-create-delete and https://google.aip.dev/auth/4112
 * - Access tokens are sent as `Authorization: Bearer <token>`:
 *   https://developers.google.com/identity/protocols/oauth2/service-account#callinganapi
 * Pure and free of node-only imports: the console form validates the same shape in the browser.
 */
import { z } from "zod";

export const GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token";

const serviceAccountSchema = z.looseObject({
  type: z.literal("service_account"),
  project_id: z.string().optional(),
  private_key_id: z.string().min(1),
  private_key: z.string().includes("PRIVATE KEY"),
  client_email: z.string().includes("@"),
  token_uri: z.url().optional(),
});

export interface ServiceAccount {
  projectId?: string;
  privateKeyId: string;
  privateKey: string;
  clientEmail: string;
  tokenUri: string;
}

export type VertexCredential = { kind: "service_account"; account: ServiceAccount } | { kind: "access_token"; token: string } | { kind: "none" } | { kind: "invalid"; reason: string };

/** What is wrong with a pasted key JSON, in words that name no secret; undefined when it is usable. */
export function describeServiceAccountProblem(json: unknown): string | undefined {
  const parsed = serviceAccountSchema.safeParse(json);
  if (parsed.success) return undefined;
  const field = parsed.error.issues[0]?.path.join(".") || "type";
  return field === "type" ? 'the key JSON must have "type": "service_account"' : `the key JSON's ${field} is missing or malformed`;
}

/** Reads the stored credential: `{…}` is a key JSON, `Bearer x` or any other non-empty string is an access token. */
const parsedCredentials = new Map<string, VertexCredential>();

/** Parses a stored credential; memoized (a few connections, parsed once each rather than on every request). */
export function parseVertexCredential(stored: string): VertexCredential {
  const cached = parsedCredentials.get(stored);
  if (cached) return cached;
  const parsed = parseCredentialText(stored);
  if (parsedCredentials.size >= 64) parsedCredentials.clear();
  parsedCredentials.set(stored, parsed);
  return parsed;
}

function parseCredentialText(stored: string): VertexCredential {
  const value = stored.trim();
  if (value === "") return { kind: "none" };
  if (!value.startsWith("{")) return { kind: "access_token", token: value.replace(/^Bearer\s+/i, "") };
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return { kind: "invalid", reason: "the service account key is not valid JSON" };
  }
  const problem = describeServiceAccountProblem(json);
  if (problem) return { kind: "invalid", reason: problem };
  const account = serviceAccountSchema.parse(json);
  return {
    kind: "service_account",
    account: { projectId: account.project_id, privateKeyId: account.private_key_id, privateKey: account.private_key, clientEmail: account.client_email, tokenUri: account.token_uri ?? GOOGLE_TOKEN_URI },
  };
}

/** The key JSON's project_id, if the text is one (for the form's "Project ID defaults to the key's"). */
export function projectIdOf(stored: string): string | undefined {
  if (!stored.trim().startsWith("{")) return undefined;
  try {
    const json: unknown = JSON.parse(stored);
    const projectId = typeof json === "object" && json !== null ? (json as { project_id?: unknown }).project_id : undefined;
    return typeof projectId === "string" && projectId !== "" ? projectId : undefined;
  } catch {
    return undefined;
  }
}

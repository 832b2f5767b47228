import { generateKeyPairSync, verify } from "node:crypto";
import { describe, expect, test } from "vitest";
import type { Result, Target, UpstreamAuthContext, UpstreamRequest } from "@/server/gateway/types";
import { createVertexAuthorizer, JWT_BEARER_GRANT } from "./authorize";
import { parseVertexCredential, type ServiceAccount } from "./credential";
import { CLOUD_PLATFORM_SCOPE, signServiceAccountJwt } from "./jwt";
import { createTokenCache, REFRESH_MARGIN_MS } from "./token-cache";

const keys = generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });
const TOKEN_URI = "https://oauth2.example.test/token";
const keyJson = JSON.stringify({ type: "service_account", project_id: "proj-123456", private_key_id: "kid-1", private_key: keys.privateKey, client_email: "sa@proj-123456.iam.gserviceaccount.com", token_uri: TOKEN_URI });
const account = (parseVertexCredential(keyJson) as { account: ServiceAccount }).account;
const target: Target = { provider: "vertex", connectionId: "c1", baseUrl: "https://us-east5-aiplatform.googleapis.com/v1/projects/proj-123456/locations/us-east5", apiKey: keyJson, upstreamModel: "gemini-2.5-flash", modelName: "flash" };
const request: UpstreamRequest = { url: `${target.baseUrl}/publishers/google/models/gemini-2.5-flash:generateContent`, headers: { "content-type": "application/json" }, body: "{}", warnings: [] };

const decode = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString("utf8"));

/** A token endpoint in memory: verifies each assertion like Google, answers from `replies` in turn, records the forms. */
function fakeTokenEndpoint(replies: { status: number; body: unknown; delayMs?: number }[]) {
  const forms: URLSearchParams[] = [];
  let issued = 0;
  const send: UpstreamAuthContext["send"] = async (sent) => {
    const form = new URLSearchParams(sent.body);
    forms.push(form);
    const [header, claims, signature] = (form.get("assertion") ?? "").split(".");
    const valid = verify("RSA-SHA256", Buffer.from(`${header}.${claims}`), keys.publicKey, Buffer.from(signature ?? "", "base64url"));
    const reply = replies[Math.min(forms.length - 1, replies.length - 1)];
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    const body = !valid ? { error: "invalid_grant", error_description: "Invalid JWT Signature." } : reply.status === 200 ? { access_token: `ya29.token-${++issued}`, expires_in: 3599 } : reply.body;
    const status = valid ? reply.status : 400;
    return { ok: true, value: { status, text: async () => JSON.stringify(body) } } as Result<{ status: number; text(): Promise<string> }>;
  };
  return { forms, context: { send, trusted: false, signal: new AbortController().signal } satisfies UpstreamAuthContext };
}

describe("service account JWT", () => {
  test("RS256 over header.claims, kid = private_key_id, claims as Google asks", () => {
    const jwt = signServiceAccountJwt(account, 1_700_000_000_000);
    const [header, claims, signature] = jwt.split(".");
    expect(decode(header)).toEqual({ alg: "RS256", typ: "JWT", kid: "kid-1" });
    expect(decode(claims)).toEqual({ iss: account.clientEmail, sub: account.clientEmail, scope: CLOUD_PLATFORM_SCOPE, aud: TOKEN_URI, iat: 1_700_000_000, exp: 1_700_003_600 });
    expect(verify("RSA-SHA256", Buffer.from(`${header}.${claims}`), keys.publicKey, Buffer.from(signature, "base64url"))).toBe(true);
  });

  test("credential kinds: key JSON (token_uri defaults to Google's), access token, bad JSON", () => {
    const withoutUri = JSON.stringify({ ...JSON.parse(keyJson), token_uri: undefined });
    expect(parseVertexCredential(withoutUri)).toMatchObject({ kind: "service_account", account: { tokenUri: "https://oauth2.googleapis.com/token", projectId: "proj-123456" } });
    expect(parseVertexCredential("ya29.a0Af")).toEqual({ kind: "access_token", token: "ya29.a0Af" });
    expect(parseVertexCredential("Bearer ya29.b")).toEqual({ kind: "access_token", token: "ya29.b" });
    expect(parseVertexCredential("{not json")).toMatchObject({ kind: "invalid" });
    expect(parseVertexCredential(JSON.stringify({ type: "authorized_user" }))).toEqual({ kind: "invalid", reason: 'the key JSON must have "type": "service_account"' });
  });
});

describe("vertex authorize + token cache", () => {
  test("exchanges once (form-encoded JWT bearer grant), then reuses the cached token", async () => {
    const endpoint = fakeTokenEndpoint([{ status: 200, body: {} }]);
    const authorizer = createVertexAuthorizer(createTokenCache());
    const first = await authorizer.authorize(request, target, endpoint.context);
    const second = await authorizer.authorize(request, target, endpoint.context);
    expect(first).toMatchObject({ ok: true, value: { url: request.url, headers: { authorization: "Bearer ya29.token-1", "content-type": "application/json" } } });
    expect(second).toMatchObject({ ok: true, value: { headers: { authorization: "Bearer ya29.token-1" } } });
    expect(endpoint.forms).toHaveLength(1);
    expect(endpoint.forms[0].get("grant_type")).toBe(JWT_BEARER_GRANT);
  });

  test("single flight: concurrent requests share one exchange", async () => {
    const endpoint = fakeTokenEndpoint([{ status: 200, body: {}, delayMs: 30 }]);
    const authorizer = createVertexAuthorizer(createTokenCache());
    const results = await Promise.all(Array.from({ length: 5 }, () => authorizer.authorize(request, target, endpoint.context)));
    expect(endpoint.forms).toHaveLength(1);
    expect(results.every((result) => result.ok && result.value.headers.authorization === "Bearer ya29.token-1")).toBe(true);
  });

  test("refreshes a safety margin before expires_in", async () => {
    let now = 1_000_000;
    const endpoint = fakeTokenEndpoint([{ status: 200, body: {} }]);
    const authorizer = createVertexAuthorizer(createTokenCache(() => now), () => now);
    await authorizer.authorize(request, target, endpoint.context);
    now += 3599_000 - REFRESH_MARGIN_MS - 1;
    expect(await authorizer.authorize(request, target, endpoint.context)).toMatchObject({ ok: true, value: { headers: { authorization: "Bearer ya29.token-1" } } });
    now += 2;
    expect(await authorizer.authorize(request, target, endpoint.context)).toMatchObject({ ok: true, value: { headers: { authorization: "Bearer ya29.token-2" } } });
    expect(endpoint.forms).toHaveLength(2);
  });

  test("a 401 drops the cached token: the next attempt exchanges again", async () => {
    const endpoint = fakeTokenEndpoint([{ status: 200, body: {} }]);
    const authorizer = createVertexAuthorizer(createTokenCache());
    const first = await authorizer.authorize(request, target, endpoint.context);
    authorizer.onUnauthorized(first.ok ? first.value : request, target);
    const second = await authorizer.authorize(request, target, endpoint.context);
    expect(second).toMatchObject({ ok: true, value: { headers: { authorization: "Bearer ya29.token-2" } } });
    // A stale 401 (a token already replaced) does not drop the new one.
    authorizer.onUnauthorized(first.ok ? first.value : request, target);
    expect(await authorizer.authorize(request, target, endpoint.context)).toMatchObject({ ok: true, value: { headers: { authorization: "Bearer ya29.token-2" } } });
    expect(endpoint.forms).toHaveLength(2);
  });

  test("a failed exchange is not cached, and its error names Google's reason but no secret", async () => {
    const endpoint = fakeTokenEndpoint([{ status: 400, body: { error: "invalid_grant", error_description: "Invalid grant: account not found" } }, { status: 200, body: {} }]);
    const authorizer = createVertexAuthorizer(createTokenCache());
    const failed = await authorizer.authorize(request, target, endpoint.context);
    expect(failed).toEqual({ ok: false, error: { kind: "upstream", provider: "vertex", status: 401, message: "service account token exchange failed: Invalid grant: account not found" } });
    const serialized = JSON.stringify(failed);
    expect(serialized).not.toContain("PRIVATE KEY");
    expect(serialized).not.toContain(endpoint.forms[0].get("assertion")!.slice(0, 40));
    expect(await authorizer.authorize(request, target, endpoint.context)).toMatchObject({ ok: true, value: { headers: { authorization: "Bearer ya29.token-1" } } });
    expect(endpoint.forms).toHaveLength(2);
  });

  test.each([
    ["a signature Google cannot verify", { status: 400, body: {} }, 401, "service account token exchange failed: Invalid JWT Signature."],
    ["the token endpoint down", { status: 503, body: "<html>" }, 502, "service account token exchange failed: the token endpoint answered HTTP 503"],
  ])("%s", async (_name, reply, status, message) => {
    const wrongKey = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
    const apiKey = reply.status === 400 ? JSON.stringify({ ...JSON.parse(keyJson), private_key: wrongKey.privateKey }) : keyJson;
    const endpoint = fakeTokenEndpoint([{ ...reply, status: reply.status === 400 ? 200 : reply.status }]);
    const result = await createVertexAuthorizer(createTokenCache()).authorize(request, { ...target, apiKey }, endpoint.context);
    expect(result).toEqual({ ok: false, error: { kind: "upstream", provider: "vertex", status, message } });
  });

  test("an access token is used as is; an unreadable key or none is a 401 without the key", async () => {
    const endpoint = fakeTokenEndpoint([{ status: 200, body: {} }]);
    const authorizer = createVertexAuthorizer(createTokenCache());
    expect(await authorizer.authorize(request, { ...target, apiKey: "ya29.ready" }, endpoint.context)).toMatchObject({ ok: true, value: { headers: { authorization: "Bearer ya29.ready" } } });
    const broken = JSON.stringify({ ...JSON.parse(keyJson), private_key: "-----BEGIN PRIVATE KEY-----\nnot-a-key\n-----END PRIVATE KEY-----\n" });
    const unreadable = await authorizer.authorize(request, { ...target, apiKey: broken }, endpoint.context);
    expect(unreadable).toEqual({ ok: false, error: { kind: "upstream", provider: "vertex", status: 401, message: "service account token exchange failed: the service account's private_key cannot be read" } });
    expect(await authorizer.authorize(request, { ...target, apiKey: "" }, endpoint.context)).toMatchObject({ ok: false, error: { status: 401, message: "the connection has no service account key or access token" } });
    expect(endpoint.forms).toHaveLength(0);
  });
});

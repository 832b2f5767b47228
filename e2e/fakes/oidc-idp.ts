/**
 * A real OpenID Connect provider for the console's SSO tests: the `oidc-provider` package (a
 * certified implementation), on a free local port, with one confidential client for modelgate
 * and its development login form (any login name, any password). The login name is the account
 * id and its email; claims go into the ID token (next-auth reads them there) and consent is
 * granted without a prompt.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import Provider, { type KoaContextWithOIDC } from "oidc-provider";

export const FAKE_IDP_CLIENT_ID = "modelgate-e2e";
export const FAKE_IDP_CLIENT_SECRET = "e2e-oidc-client-secret-0123456789";

export interface FakeIdp {
  issuer: string;
  close(): Promise<void>;
}

export async function startFakeIdp(options: { redirectUris: string[] }): Promise<FakeIdp> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: FAKE_IDP_CLIENT_ID, client_secret: FAKE_IDP_CLIENT_SECRET, redirect_uris: options.redirectUris, grant_types: ["authorization_code"], response_types: ["code"] }],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    conformIdTokenClaims: false,
    cookies: { keys: ["e2e-idp-cookie-key-0123456789abcdef"] },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    async findAccount(_context: KoaContextWithOIDC, id: string) {
      return { accountId: id, claims: async () => ({ sub: id, email: id, email_verified: true, name: id.split("@")[0] }) };
    },
    async loadExistingGrant(context: KoaContextWithOIDC) {
      const { client, session } = context.oidc;
      if (!client || !session?.accountId) return undefined;
      const grantId = session.grantIdFor(client.clientId);
      if (grantId) return context.oidc.provider.Grant.find(grantId);
      const grant = new context.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope("openid email profile");
      await grant.save();
      session.grantIdFor(client.clientId, grant.jti);
      return grant;
    },
  });
  server.on("request", provider.callback());
  return {
    issuer,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

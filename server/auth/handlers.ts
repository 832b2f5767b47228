import type { NextRequest } from "next/server";
import { handlers } from "./auth";

/**
 * next-auth's route handlers (/api/auth/*: the SSO callback among them) on the origin the browser
 * used. A NextRequest's URL turns every loopback host (127.0.0.1, [::1]) into "localhost", while
 * sign-in server actions follow the Host / X-Forwarded-Host header (trustHost): an SSO sign-in
 * started on http://127.0.0.1:3000 must come back with that same redirect_uri, or the IdP refuses
 * the code. So the handler gets a plain Request on the header's origin (next-auth reads only its
 * URL, headers and body). With PUBLIC_URL set (AUTH_URL), next-auth uses that origin instead.
 */
function onBrowserOrigin(request: NextRequest): NextRequest {
  if (process.env.AUTH_URL) return request;
  const host = request.headers.get("x-forwarded-host")?.split(",")[0]?.trim() || request.headers.get("host");
  if (!host) return request;
  const protocol = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() || request.nextUrl.protocol.replace(/:$/, "");
  const url = new URL(request.nextUrl.href);
  try {
    url.host = host;
    url.protocol = `${protocol}:`;
  } catch {
    return request;
  }
  if (url.origin === request.nextUrl.origin) return request;
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  const init: RequestInit & { duplex?: "half" } = { method: request.method, headers: request.headers, body: hasBody ? request.body : undefined, duplex: hasBody ? "half" : undefined, signal: request.signal };
  return new Request(url, init) as NextRequest;
}

export const GET = (request: NextRequest) => handlers.GET(onBrowserOrigin(request));
export const POST = (request: NextRequest) => handlers.POST(onBrowserOrigin(request));

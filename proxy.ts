import { NextResponse, type NextRequest } from "next/server";

/**
 * Optimistic only: console paths without a session cookie go to /login straight away. The cookie
 * is not verified here; every page, tRPC procedure and route handler checks the session itself.
 */
const SESSION_COOKIE = /^(__Secure-)?authjs\.session-token(\.\d+)?$/;

export function proxy(request: NextRequest) {
  const hasSession = request.cookies.getAll().some((cookie) => SESSION_COOKIE.test(cookie.name));
  if (hasSession) return NextResponse.next();
  const login = new URL("/login", request.url);
  const path = request.nextUrl.pathname + request.nextUrl.search;
  if (path !== "/" && path !== "/overview") login.searchParams.set("callbackUrl", path);
  return NextResponse.redirect(login);
}

export const config = {
  matcher: ["/overview/:path*", "/keys/:path*", "/providers/:path*", "/models/:path*", "/requests/:path*", "/settings/:path*", "/members/:path*", "/teams/:path*", "/audit/:path*", "/rate-limits/:path*", "/budgets/:path*", "/mcp-servers/:path*"],
};

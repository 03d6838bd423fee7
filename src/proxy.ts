import { NextResponse, type NextRequest } from "next/server";
import { contentSecurityPolicy, newNonce, uploadOrigins } from "~/server/csp";

const origins = uploadOrigins({ UPLOADTHING_TOKEN: process.env.UPLOADTHING_TOKEN, UPLOADTHING_INGEST_URL: process.env.UPLOADTHING_INGEST_URL });

/**
 * Every page gets a Content-Security-Policy with a nonce of its own. Next reads the nonce from
 * the request's CSP header and puts it on the scripts it renders; the response carries the same
 * policy. (The other security headers are set by server.mjs on every response.)
 */
export function proxy(request: NextRequest) {
  const csp = contentSecurityPolicy({ nonce: newNonce(), dev: process.env.NODE_ENV === "development", uploadOrigins: origins });
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", csp);
  return response;
}

export const config = {
  // Pages only. Not the API: a proxy makes Next buffer request bodies for it (and cut them at
  // 10 MB), which uploads cannot afford; server.mjs gives API answers a policy of their own.
  matcher: ["/((?!api/|_next/static|_next/image|favicon.ico|robots.txt|logo.svg).*)"],
};

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
  // Not the build's static files, nor stored files (/api/files sets its own sandbox policy).
  matcher: ["/((?!_next/static|_next/image|api/files/|favicon.ico|robots.txt|logo.svg).*)"],
};

/** The OpenID Connect scopes every tenant's provider serves, and what a sign-in asks for. Shared by the server and the console. */
export const STANDARD_SCOPES = ["openid", "profile", "email", "phone", "address"] as const;

/**
 * The scopes a sign-in of a client asks for (Try it, and the integration page's samples): openid
 * and the identity scopes the client lists (of `served`, the tenant's: discovery's
 * `scopes_supported`), or the standard ones when it lists none — within what the provider lets it
 * ask (src/server/oidc/clients.ts, identityScopeOf).
 */
export function signInScope(clientScopes: readonly string[], served: readonly string[] = STANDARD_SCOPES): string {
  const listed = clientScopes.filter((s) => s !== "offline_access" && served.includes(s));
  return ["openid", ...(listed.length ? listed.filter((s) => s !== "openid") : ["profile", "email", "phone"])].join(" ");
}

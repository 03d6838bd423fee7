/**
 * The try redirect URI (try.ts) as the provider sees it: added to one client's redirect URIs for
 * the length of one provider request that belongs to a "Try it" run of that client in this
 * browser. No imports, so clients.ts can use it without pulling in the console's request code.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export const TRY_CALLBACK_PATH = "/oidc/try/callback";
export const tryRedirectUri = (issuer: string) => `${issuer}${TRY_CALLBACK_PATH}`;

// --- The redirect URI the provider accepts during a run --------------------------------------

export interface TryAllowance {
  clientId: string;
  redirectUri: string;
}
const allowance = new AsyncLocalStorage<TryAllowance | null>();

/** Runs one provider request, during which `withTryRedirect` adds the try redirect URI for `allowed`'s client. */
export const withTryAllowance = <T>(allowed: TryAllowance | null, fn: () => T): T => allowance.run(allowed, fn);

/** The client's redirect URIs, plus the try callback while this request belongs to a run of exactly this client. */
export function withTryRedirect(clientId: string, redirectUris: string[]): string[] {
  const a = allowance.getStore();
  return a && a.clientId === clientId && !redirectUris.includes(a.redirectUri) ? [...redirectUris, a.redirectUri] : redirectUris;
}

/**
 * Back-channel logout (OpenID Connect Back-Channel Logout 1.0) when we end a user's session
 * ourselves. oidc-provider tells every client with a `backchannel_logout_uri` when the user
 * signs out through the end-session endpoint; but freezing, forcing offline or deleting the
 * login session in the console kills the provider's session behind its back (the adapter no
 * longer finds it, see adapter.ts), so nobody would tell the apps. Here we find the provider
 * sessions that descend from the login sessions and have each one's provider (by the issuer
 * its session was made on, which the adapter keeps in the payload as `uc_issuer`) send the
 * same signed logout token, with the `sid` the client got in its ID token.
 */
import "server-only";
import type { Db } from "~/server/db";
import { providerFor } from "~/server/oidc/provider";

interface SessionRow {
  tenantId: string;
  payload: { accountId?: string; uc_issuer?: string; authorizations?: Record<string, { sid?: string }> };
}

/** Logout tokens sent and failed (each failure is logged; they never fail the caller). */
export interface BackchannelOutcome {
  sent: number;
  failed: number;
}

/** Sends a logout token to every client of the provider sessions descending from `loginSessionIds`. */
export async function backchannelLogoutForLoginSessions(db: Db, loginSessionIds: string[]): Promise<BackchannelOutcome> {
  const out = { sent: 0, failed: 0 };
  if (!loginSessionIds.length) return out;
  const rows = await db.$queryRaw<SessionRow[]>`
    SELECT "tenantId"::text AS "tenantId", "payload" FROM "OidcPayload"
     WHERE "model" = 'Session' AND "loginSessionId" = ANY (${loginSessionIds}::uuid[])`;
  for (const row of rows) {
    const { accountId, uc_issuer: issuer, authorizations } = row.payload;
    if (!accountId || !issuer || !authorizations) continue;
    const provider = await providerFor(db, row.tenantId, issuer);
    for (const [clientId, auth] of Object.entries(authorizations)) {
      // The library's Client has the method; its type definitions do not list it.
      const client = (await provider.Client.find(clientId).catch(() => undefined)) as
        { backchannelLogoutUri?: string; backchannelLogout(sub: string, sid: string): Promise<void> } | undefined;
      if (!client?.backchannelLogoutUri || !auth.sid) continue;
      try {
        await client.backchannelLogout(accountId, auth.sid);
        out.sent++;
      } catch (e) {
        out.failed++;
        console.warn(`back-channel logout to client ${clientId} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
  return out;
}

/** After a console action: best effort, off the response path. */
export function notifyLoginSessionsEnded(db: Db, loginSessionIds: string[]): Promise<BackchannelOutcome> {
  return backchannelLogoutForLoginSessions(db, loginSessionIds).catch((e: unknown) => {
    console.warn(`back-channel logout failed: ${e instanceof Error ? e.message : String(e)}`);
    return { sent: 0, failed: 0 };
  });
}

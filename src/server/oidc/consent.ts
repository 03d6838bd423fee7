/**
 * Remember my choice. A consent given with the box unticked makes a grant for this one
 * authorization: its tokens live as usual, but the next authorization of the same app asks again.
 * Such grants are marked by a row of their own (model `UcConsentOnce`, id = the grant's id, same
 * lifetime) in the provider's storage, and `loadExistingGrant` passes over them.
 *
 * A remembered grant (the default) is the remembered choice itself, for its user and app: the
 * next authorization of the browser's provider session finds it, and so does a new provider
 * session (after RP-initiated logout, in another browser, after the login session ended), which
 * adopts the user's latest remembered grant of that app for its own login session. Either then
 * skips consent for every scope the grant holds. So it lasts as long as the grant: logout ends its
 * tokens but keeps it (`grantRevocationPolicy`), Connected apps lists it, and revoking it there
 * (or a refresh token's reuse or revocation, or the grant's expiry) ends the choice too.
 *
 * One grant serves the user's provider sessions of an app in turn: it follows the login session
 * that adopted it last (each token still ends with its own login session, adapter.ts), so ending
 * that session also ends the grant for the older ones, which then adopt it again at their next
 * sign-in. That errs on the side of stopping tokens.
 */
import type { KoaContextWithOIDC } from "oidc-provider";
import { Prisma } from "~/generated/prisma/client";
import type { Db } from "~/server/db";
import { UUID_RE } from "~/server/db/sql";
import { writeRows } from "~/server/db/fast-read";
import { createAdapterFactory, currentLoginLink } from "~/server/oidc/adapter";

const ONCE_MODEL = "UcConsentOnce";
/** The same as the provider's Grant lifetime (provider.ts ttl.Grant). */
const GRANT_TTL_SECONDS = 14 * 86400;

export async function markGrantOnce(db: Db, tenantId: string, grantId: string): Promise<void> {
  const Adapter = createAdapterFactory(db, tenantId);
  await new Adapter(ONCE_MODEL).upsert(grantId, { jti: grantId, kind: ONCE_MODEL }, GRANT_TTL_SECONDS);
}

/**
 * The user's latest remembered, unexpired grant of `clientId`, now linked to the request's login
 * session (so the adapter finds it while that session lives), or null (none, or no login session).
 */
async function adoptRememberedGrant(db: Db, tenantId: string, accountId: string, clientId: string): Promise<string | null> {
  const loginSessionId = currentLoginLink()?.loginSessionId;
  if (!loginSessionId || !UUID_RE.test(loginSessionId)) return null;
  const [row] = await db.$queryRaw<{ id: string }[]>(
    Prisma.sql`
    UPDATE "OidcPayload" g SET "loginSessionId" = ${loginSessionId}::uuid
     WHERE g."model" = 'Grant' AND g."tenantId" = ${tenantId}::uuid AND g."id" = (
       SELECT c."id" FROM "OidcPayload" c
        WHERE c."model" = 'Grant' AND c."tenantId" = ${tenantId}::uuid
          AND c."payload"->>'accountId' = ${accountId} AND c."payload"->>'clientId' = ${clientId}
          AND (c."expiresAt" IS NULL OR c."expiresAt" > now())
          AND NOT EXISTS (SELECT 1 FROM "OidcPayload" o WHERE o."model" = ${ONCE_MODEL} AND o."id" = c."id" AND o."tenantId" = c."tenantId")
        ORDER BY c."createdAt" DESC
        LIMIT 1)
    RETURNING g."id"`,
  );
  return row?.id ?? null;
}

/**
 * oidc-provider's `loadExistingGrant`: the library's default (the consent just given, else the
 * provider session's grant), but never a grant given for one authorization only; and when the
 * session has no grant of the app (or it is gone), the user's remembered one.
 */
export function rememberedGrantLoader(db: Db, tenantId: string) {
  const Adapter = createAdapterFactory(db, tenantId);
  const once = new Adapter(ONCE_MODEL);
  return async (ctx: KoaContextWithOIDC) => {
    const { provider, result, session, client } = ctx.oidc;
    const fromConsent = (result as { consent?: { grantId?: string } } | undefined)?.consent?.grantId;
    if (fromConsent) return provider.Grant.find(fromConsent);
    const accountId = session?.accountId;
    if (!client || !accountId) return undefined;
    const grantId = session.grantIdFor(client.clientId);
    if (grantId) {
      if (await once.find(grantId)) return undefined;
      const grant = await provider.Grant.find(grantId);
      if (grant) return grant;
    }
    const remembered = await adoptRememberedGrant(db, tenantId, accountId, client.clientId);
    return remembered ? provider.Grant.find(remembered) : undefined;
  };
}

/**
 * oidc-provider's `revokeGrantPolicy` (whether revoking a grant's tokens also deletes the grant):
 * yes, except at RP-initiated logout, which ends the session's tokens but keeps its remembered
 * grants (the choice outlives the session); a grant for one authorization only goes with the
 * session there, deleted here with its mark. (The library asks once per grant and says not which:
 * so these are all the logged-out session's grants, or the one app's it logs out of alone.)
 */
export function grantRevocationPolicy(db: Db, tenantId: string) {
  return async (ctx: KoaContextWithOIDC) => {
    if (ctx.oidc.route !== "end_session_confirm") return true;
    const { session, client, params } = ctx.oidc;
    const grantIds = params?.logout
      ? Object.values(session?.authorizations ?? {}).map((a) => a.grantId)
      : [client ? session?.grantIdFor(client.clientId) : undefined];
    const ids = grantIds.filter((id): id is string => !!id);
    if (ids.length)
      await writeRows(
        db,
        Prisma.sql`
        DELETE FROM "OidcPayload"
         WHERE "tenantId" = ${tenantId}::uuid AND "model" IN ('Grant', ${ONCE_MODEL}) AND "id" IN (
           SELECT "id" FROM "OidcPayload" WHERE "model" = ${ONCE_MODEL} AND "tenantId" = ${tenantId}::uuid AND "id" = ANY (${ids}::text[]))`,
      );
    return false;
  };
}

/**
 * Remember my choice. A consent given with the box unticked makes a grant for this one
 * authorization: its tokens live as usual, but the next authorization of the same app asks again.
 * Such grants are marked by a row of their own (model `UcConsentOnce`, id = the grant's id, same
 * lifetime) in the provider's storage, and `loadExistingGrant` passes over them. A remembered
 * grant (the default) is found by the next authorization of the browser's provider session, which
 * then skips consent for every scope it already holds.
 */
import type { KoaContextWithOIDC } from "oidc-provider";
import type { Db } from "~/server/db";
import { createAdapterFactory } from "~/server/oidc/adapter";

const ONCE_MODEL = "UcConsentOnce";
/** The same as the provider's Grant lifetime (provider.ts ttl.Grant). */
const GRANT_TTL_SECONDS = 14 * 86400;

export async function markGrantOnce(db: Db, tenantId: string, grantId: string): Promise<void> {
  const Adapter = createAdapterFactory(db, tenantId);
  await new Adapter(ONCE_MODEL).upsert(grantId, { jti: grantId, kind: ONCE_MODEL }, GRANT_TTL_SECONDS);
}

/** oidc-provider's `loadExistingGrant`: the library's default, but never a grant given for one authorization only. */
export function rememberedGrantLoader(db: Db, tenantId: string) {
  const Adapter = createAdapterFactory(db, tenantId);
  const once = new Adapter(ONCE_MODEL);
  return async (ctx: KoaContextWithOIDC) => {
    const { provider, result, session, client } = ctx.oidc;
    const fromConsent = (result as { consent?: { grantId?: string } } | undefined)?.consent?.grantId;
    if (fromConsent) return provider.Grant.find(fromConsent);
    const grantId = client ? session?.grantIdFor(client.clientId) : undefined;
    if (!grantId || (await once.find(grantId))) return undefined;
    return provider.Grant.find(grantId);
  };
}

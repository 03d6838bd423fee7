/**
 * "Connected apps": the apps a user let sign them in through their tenant's OpenID Provider —
 * its grants (oidc-provider's `Grant` rows in OidcPayload) — and the revoke button, which ends
 * the grant and every code and token issued under it at once; and with the grant, a remembered
 * consent, which new sign-ins adopt only while the grant exists (src/server/oidc/consent.ts).
 */
import type { Prisma } from "~/generated/prisma/client";
import { AppError } from "~/server/errors";
import { auditActor, writeAudit } from "~/server/services/audit";
import type { Scope } from "~/server/services/scope";

export interface ConnectedApp {
  grantId: string;
  clientId: string;
  name: string;
  scopes: string[];
  grantedAt: Date;
}

interface GrantPayload {
  accountId?: string;
  clientId?: string;
  openid?: { scope?: string };
  resources?: Record<string, string>;
  iat?: number;
}

interface Row {
  id: string;
  payload: GrantPayload;
  createdAt: Date;
  name: string | null;
}

const mine = (scope: Scope) => scope.db.$queryRaw<Row[]>`
  SELECT g."id", g."payload", g."createdAt", c."name"
    FROM "OidcPayload" g
    LEFT JOIN "OAuthClient" c ON c."clientId" = g."payload"->>'clientId' AND c."tenantId" = g."tenantId"
   WHERE g."model" = 'Grant' AND g."tenantId" = ${scope.actor.tenantId}::uuid AND g."payload"->>'accountId' = ${scope.actor.userId}
     AND (g."expiresAt" IS NULL OR g."expiresAt" > now())
   ORDER BY g."createdAt" DESC
   LIMIT 200`;

const scopesOf = (p: GrantPayload) => [
  ...new Set([...(p.openid?.scope ?? "").split(" "), ...Object.values(p.resources ?? {}).flatMap((s) => s.split(" "))].filter(Boolean)),
];

/** The caller's apps, newest grant first (a client clients to several grants shows each). */
export async function listConnectedApps(scope: Scope): Promise<ConnectedApp[]> {
  if (scope.actor.client) return [];
  return (await mine(scope)).map((r) => ({
    grantId: r.id,
    clientId: r.payload.clientId ?? "",
    name: r.name ?? r.payload.clientId ?? "",
    scopes: scopesOf(r.payload),
    grantedAt: r.payload.iat ? new Date(r.payload.iat * 1000) : r.createdAt,
  }));
}

/** Ends one of the caller's grants: the grant, its codes, access and refresh tokens (17010 when it is not theirs). */
export async function revokeConnectedApp(scope: Scope, grantId: string) {
  const app = (await listConnectedApps(scope)).find((a) => a.grantId === grantId);
  if (!app) throw new AppError(17010);
  await scope.db.$transaction(async (tx: Prisma.TransactionClient) => {
    await tx.$executeRaw`
      DELETE FROM "OidcPayload" WHERE "tenantId" = ${scope.actor.tenantId}::uuid AND ("grantId" = ${grantId} OR ("model" = 'Grant' AND "id" = ${grantId}))`;
    await writeAudit(tx, auditActor(scope), "me.revokeApp", grantId, { clientId: app.clientId, scopes: app.scopes });
  });
  return { grantId };
}

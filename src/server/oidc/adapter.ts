/**
 * oidc-provider's storage on our database: one adapter per tenant's provider and model. Every
 * model but Client lives in `OidcPayload` rows (the library's payload as JSON), always read and
 * written with the tenant's id, so an id of one tenant is unknown to every other tenant's
 * provider. Clients are read from our own `OAuthClient` table (src/server/oidc/clients.ts).
 *
 * Rows remember the login-session record (LoginSession) they descend from: the interaction our
 * sign-in hand-off finishes names it, and every row written in the same request after a row
 * that names one inherits it (the request's LoginLink, see `withLoginLink`). A session, code or
 * token whose login session is frozen, forced offline, ended or deleted is not found, so the
 * console's actions stop SSO, code exchanges and refreshes at once.
 *
 * A JWT access token is found by the JWT itself: its signature and this provider's issuer
 * checked, then the record the provider keeps of it under its jti (provider.ts), so the
 * library's introspection and revocation work for it as for an opaque token.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { errors, type Adapter, type AdapterPayload } from "oidc-provider";
import { Prisma } from "~/generated/prisma/client";
import type { Db } from "~/server/db";
import { UUID_RE } from "~/server/db/sql";
import { readRows, writeRows } from "~/server/db/fast-read";
import { findOidcClient } from "~/server/oidc/clients";
import { verifyOidcAccessToken } from "~/server/oidc/api-token";
import { sessionEndReason } from "~/server/services/session";
import { noteChange } from "~/server/security/change-epoch";

/** The stored models whose deletion takes away what an access token grants. */
const GRANTING_MODELS = new Set(["AccessToken", "ClientCredentials", "RefreshToken", "Grant", "Session"]);

/** What one request knows about the login session behind what it reads and writes. */
export interface LoginLink {
  loginSessionId?: string;
}
const requestLink = new AsyncLocalStorage<LoginLink>();

/** Runs `fn` (one request to a provider) with its own LoginLink. */
export const withLoginLink = <T>(link: LoginLink, fn: () => T): T => requestLink.run(link, fn);
export const currentLoginLink = (): LoginLink | undefined => requestLink.getStore();

/** Models the provider may issue as a JWT (resourceIndicators, provider.ts). */
const JWT_MODELS = new Set(["AccessToken", "ClientCredentials"]);
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/** Models whose use ends with their login session. */
const TIED = new Set(["Session", "AuthorizationCode", "AccessToken", "RefreshToken", "Grant", "PushedAuthorizationRequest"]);

interface Row {
  payload: AdapterPayload;
  consumedAt: Date | null;
  loginSessionId: string | null;
  /** The linked login session is gone (the row names one that no longer exists). */
  gone: boolean;
  expiresAt: Date | null;
  /** The linked login session, when there is one: the same rule as every other use of it (sessionEndReason). */
  state: string | null;
  deletedAt: Date | null;
  sExpiresAt: Date | null;
  lastSeenAt: Date | null;
  idleSeconds: number | null;
}

/** The linked login session can no longer be used (frozen, offline, ended, deleted, expired, idle too long), or is gone. */
const isDead = (r: Row) =>
  !!r.loginSessionId &&
  (r.gone ||
    r.state !== "active" ||
    !!sessionEndReason(
      { state: r.state, deletedAt: r.deletedAt, expiresAt: r.sExpiresAt!, lastSeenAt: r.lastSeenAt!, idleSeconds: r.idleSeconds! },
      Date.now(),
    ));

/**
 * `issuer`: the provider's, so a client's logo in our file library is named on its origin;
 * `identityScopes`: the provider's scopes, which bound what each client may request (clients.ts).
 */
export function createAdapterFactory(db: Db, tenantId: string, issuer?: string, identityScopes?: readonly string[]) {
  return class PrismaAdapter implements Adapter {
    constructor(readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const link = currentLoginLink();
      const loginSessionId = link?.loginSessionId && UUID_RE.test(link.loginSessionId) ? link.loginSessionId : null;
      const expiresAt = expiresIn ? new Date(Date.now() + expiresIn * 1000) : null;
      // A session remembers its issuer, so a console action that ends it can reach the same provider (backchannel.ts).
      const json = JSON.stringify(this.model === "Session" && issuer ? { ...payload, uc_issuer: issuer } : payload);
      await writeRows(
        db,
        Prisma.sql`
        INSERT INTO "OidcPayload" ("model", "id", "tenantId", "payload", "grantId", "userCode", "uid", "loginSessionId", "expiresAt")
        VALUES (${this.model}, ${id}, ${tenantId}::uuid, ${json}::jsonb, ${payload.grantId ?? null}, ${payload.userCode ?? null},
                ${payload.uid ?? null}, ${loginSessionId}::uuid, ${expiresAt}::timestamptz)
        ON CONFLICT ("model", "id") DO UPDATE SET
          "payload" = EXCLUDED."payload", "grantId" = EXCLUDED."grantId", "userCode" = EXCLUDED."userCode", "uid" = EXCLUDED."uid",
          "loginSessionId" = COALESCE(EXCLUDED."loginSessionId", "OidcPayload"."loginSessionId"), "expiresAt" = EXCLUDED."expiresAt"
        WHERE "OidcPayload"."tenantId" = EXCLUDED."tenantId"`,
        "uc_oidc_upsert",
      );
    }

    /** The live row `where` names; `by` names the statement (one text per column: each connection plans it once). */
    private async one(where: Prisma.Sql, by: "id" | "uid" | "userCode"): Promise<AdapterPayload | undefined> {
      const [row] = await readRows<Row[]>(
        db,
        Prisma.sql`
        SELECT p."payload", p."consumedAt", p."expiresAt", p."loginSessionId"::text AS "loginSessionId",
               (p."loginSessionId" IS NOT NULL AND s."id" IS NULL) AS "gone", s."state"::text AS "state", s."deletedAt",
               s."expiresAt" AS "sExpiresAt", s."lastSeenAt", s."idleSeconds"
          FROM "OidcPayload" p LEFT JOIN "LoginSession" s ON s."id" = p."loginSessionId"
         WHERE p."model" = ${this.model} AND p."tenantId" = ${tenantId}::uuid AND ${where}
         LIMIT 1`,
        `uc_oidc_by_${by}`,
      );
      if (!row) return undefined;
      if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) return undefined;
      if (TIED.has(this.model) && isDead(row)) return undefined;
      const link = currentLoginLink();
      // A finished sign-in hand-off names the login session for everything this request writes;
      // otherwise the first row read that names one does.
      if (link && row.loginSessionId && (this.model === "Interaction" || !link.loginSessionId)) link.loginSessionId = row.loginSessionId;
      return row.consumedAt ? { ...row.payload, consumed: Math.floor(row.consumedAt.getTime() / 1000) } : row.payload;
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model === "Client") return findOidcClient(db, tenantId, id, { issuer, identityScopes });
      if (JWT_MODELS.has(this.model) && JWT_SHAPE.test(id)) return this.findJwt(id);
      return this.one(Prisma.sql`p."id" = ${id}`, "id");
    }

    /** A JWT access token of this issuer, by its record: as the library reads an opaque one (without the mark it refuses). */
    private async findJwt(jwt: string): Promise<AdapterPayload | undefined> {
      const claims = await verifyOidcAccessToken(db, jwt);
      if (!claims || !issuer || claims.iss !== issuer) return undefined;
      const stored = await this.one(Prisma.sql`p."id" = ${claims.jti}`, "id");
      if (stored?.format !== "jwt") return undefined;
      const { format: _jwt, ...payload } = stored;
      return payload;
    }

    findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return this.one(Prisma.sql`p."uid" = ${uid}`, "uid");
    }

    findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return this.one(Prisma.sql`p."userCode" = ${userCode}`, "userCode");
    }

    async destroy(id: string): Promise<void> {
      await writeRows(db, Prisma.sql`DELETE FROM "OidcPayload" WHERE "model" = ${this.model} AND "id" = ${id} AND "tenantId" = ${tenantId}::uuid`);
      // A token, grant or provider session gone: the gateway's reuse of token checks ends here.
      if (GRANTING_MODELS.has(this.model)) noteChange();
    }

    /** Marks a code or refresh token used, once: of two redemptions racing past the library's `consumed` check, the second fails. */
    async consume(id: string): Promise<void> {
      const changed = await writeRows(
        db,
        Prisma.sql`
        UPDATE "OidcPayload" SET "consumedAt" = now()
         WHERE "model" = ${this.model} AND "id" = ${id} AND "tenantId" = ${tenantId}::uuid AND "consumedAt" IS NULL`,
        "uc_oidc_consume",
      );
      if (changed === 0) throw new errors.InvalidGrant(`${this.model} already consumed`);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await writeRows(db, Prisma.sql`DELETE FROM "OidcPayload" WHERE "model" = ${this.model} AND "grantId" = ${grantId} AND "tenantId" = ${tenantId}::uuid`);
      noteChange();
    }
  };
}

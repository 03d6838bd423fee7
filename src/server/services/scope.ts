/**
 * What every service is handed: the part of the request context the tenant ladder guarantees
 * (`TenantCtx`), so a router passes its `ctx` as it is. Code outside a request (the exporter,
 * jobs, benches) builds one with `systemScope`. Types and the logger only: no server-only
 * imports, so the seed script can load the services that use it.
 */
import type { TenantCtx } from "~/server/api/trpc";
import type { Db } from "~/server/db";
import type { Actor } from "~/server/services/session";
import type { AuditMeta } from "~/server/api/trpc";
import type { Locale } from "~/lib/errors";
import { currentLog } from "~/server/log";

/** `TenantCtx` minus what services never read (host, cookie, via…); only the tenant's id is needed. */
export type Scope = Pick<TenantCtx, "db" | "actor" | "locale" | "log" | "audit"> & { tenant: Pick<TenantCtx["tenant"], "id"> };

/** The actor of a scope built outside a request: who it is and what it may do; the rest defaults. */
export type SystemActor = Pick<Actor, "userId" | "tenantId" | "isOperator" | "roles" | "permissions"> & Partial<Actor>;

/** A scope outside a request (exporter, jobs, benches): `actor` acts, in `tenantId` (default: the actor's own). */
export function systemScope(db: Db, actor: SystemActor, opts: { tenantId?: string; locale?: Locale; audit?: Partial<AuditMeta> } = {}): Scope {
  return {
    db,
    tenant: { id: opts.tenantId ?? actor.tenantId },
    actor: { sessionId: "", userName: null, nickname: null, displayName: "", locale: null, ...actor },
    locale: opts.locale ?? "zh-CN",
    log: currentLog(),
    audit: { ip: null, userAgent: null, reqId: null, ...opts.audit },
  };
}

/**
 * The tenant filter every tenant-scoped query starts from: operators see every tenant, or the
 * one they pass; everyone else only their own, whatever they pass.
 */
export const tenantWhere = (scope: { actor: Pick<Actor, "isOperator" | "tenantId"> }, tenantId?: string): { tenantId?: string } =>
  scope.actor.isOperator ? (tenantId ? { tenantId } : {}) : { tenantId: scope.actor.tenantId };

/**
 * tRPC setup: the request context, error formatter and the procedure ladder
 *   publicProcedure → authedProcedure (401) → tenantProcedure (tenant + permission) →
 *   requirePermission(code), which hands procedures the request's context narrowed to `TenantCtx`;
 *   services take it as their `Scope` (src/server/services/scope.ts).
 * The permission code lives in the procedure's meta, so the manifest, the REST mirror and the
 * console all read the same value, and a tenant procedure without one is refused (fails closed).
 */
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import type { OpenApiMeta } from "trpc-to-openapi";
import type { Db } from "~/server/db";
import type { Actor } from "~/server/services/session";
import type { ResolvedTenant } from "~/server/services/host";
import { AppError, appCodeFor } from "~/server/errors";
import { describeError, errorTable, type ErrorResource, type Locale } from "~/lib/errors";
import { errorTableOutput, fieldErrors, hasControlChars, hasLoneSurrogate, localizeFields, message } from "~/lib/validators/common";
import { currentLog, withLog, type Logger } from "~/server/log";
import { hasPermission, type PermissionCode } from "~/lib/permissions";
import { noteChange } from "~/server/security/change-epoch";

/** What an audit row records about the request, besides who acted. */
export interface AuditMeta {
  ip: string | null;
  userAgent: string | null;
  /** The request id the logger carries (null outside an HTTP request: tests, jobs). */
  reqId: string | null;
}

/**
 * The one request context, built once per request (createContext) and read by every router and
 * service: services take `Scope`, the part of it the tenant ladder guarantees.
 */
export interface Context {
  db: Db;
  /** The tenant that owns the request's host, or null for an unknown host. */
  tenant: ResolvedTenant | null;
  host: string;
  /** The scheme and host the client used (`https://login.example.com`): links we email point there. */
  origin: string;
  /** The user session, user token or client token, with its effective permissions. */
  actor: Actor | null;
  /** How the actor authenticated: cookies are subject to the cross-site check. */
  via: "cookie" | "bearer" | null;
  crossSite: boolean;
  /** The caller's language (cookie, else Accept-Language). */
  locale: Locale;
  ip: string | null;
  userAgent: string | null;
  /** The raw Cookie header, for flows that bind a round trip to a cookie (WeChat state). */
  cookie: string | null;
  /** This request's logger (request id, tenant, actor); also `currentLog()` while a procedure runs. */
  log: Logger;
  audit: AuditMeta;
}

/** What `publicTenantProcedure` guarantees: a known, enabled tenant. */
export type PublicTenantCtx = Context & { tenant: ResolvedTenant };
/** What `tenantProcedure` / `requirePermission` guarantee: the tenant and an actor allowed in it. */
export type TenantCtx = Context & { tenant: ResolvedTenant; actor: Actor };

/** What tests (and createContext) build a context from. */
export function createContextInner(opts: Partial<Context> & Pick<Context, "db">): Context {
  const ip = opts.ip ?? null;
  const userAgent = opts.userAgent ?? null;
  return {
    tenant: null,
    host: "",
    origin: `https://${opts.host ?? "localhost"}`,
    actor: null,
    via: opts.actor ? "cookie" : null,
    crossSite: false,
    locale: "zh-CN",
    cookie: null,
    ...opts,
    ip,
    userAgent,
    log: opts.log ?? currentLog(),
    audit: opts.audit ?? { ip, userAgent, reqId: null },
  };
}

export interface Meta extends OpenApiMeta {
  /** The permission this operation requires; absent only on public and self-service procedures. */
  permission?: PermissionCode;
  /** Explicitly callable without identity. */
  public?: boolean;
  /** Answers a user whose password an administrator set (who may do nothing else until they choose their own). */
  allowDuringPasswordChange?: boolean;
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    transformer: superjson,
    errorFormatter({ shape, error, ctx }) {
      const locale = ctx?.locale ?? "zh-CN";
      const appCode = appCodeFor(error);
      const d = describeError(appCode, locale);
      const fields =
        error.cause instanceof ZodError
          ? fieldErrors(error.cause, locale)
          : error instanceof AppError && error.fields
            ? localizeFields(error.fields, locale)
            : undefined;
      return {
        ...shape,
        message: d.description,
        data: {
          code: shape.data.code,
          httpStatus: shape.data.httpStatus,
          path: shape.data.path,
          appCode: d.code,
          name: d.name,
          description: d.description,
          fields: fields ?? null,
          ...(process.env.NODE_ENV === "development" ? { stack: shape.data.stack } : {}),
        },
      };
    },
  });

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * Every string of every input, keys too, before any schema sees it: no NUL, no other C0 control
 * but tab and line breaks, no DEL, no lone surrogate. The field schemas (`text()`) are stricter
 * per field; this catches what they cannot (a record's unknown values, an export's filter) so
 * that nothing of the kind ever reaches the database. It fails closed: a value nested deeper
 * than it looks, or of a kind JSON cannot hold (a superjson bigint, Map, Set, RegExp, a class
 * instance, NaN or Infinity), is bad input too, never skipped.
 */
const MAX_DEPTH = 32;
type BadKind = "forbiddenChars" | "tooDeep" | "unsupportedValue";
function badTextPaths(value: unknown, path: string[] = [], out: [string, BadKind][] = []): [string, BadKind][] {
  if (out.length >= 20) return out;
  const here = () => path.join(".") || "_";
  const bad = (s: string) => hasControlChars(s, true) || hasLoneSurrogate(s);
  if (value === null || value === undefined || typeof value === "boolean") return out;
  if (typeof value === "string") {
    if (bad(value)) out.push([here(), "forbiddenChars"]);
  } else if (typeof value === "number") {
    if (!Number.isFinite(value)) out.push([here(), "unsupportedValue"]);
  } else if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) out.push([here(), "unsupportedValue"]);
  } else if (path.length >= MAX_DEPTH) {
    out.push([here(), "tooDeep"]);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => badTextPaths(v, [...path, String(i)], out));
  } else if (typeof value === "object" && [Object.prototype, null].includes(Object.getPrototypeOf(value))) {
    for (const [k, v] of Object.entries(value)) {
      if (bad(k)) out.push([[...path, "_key"].join("."), "forbiddenChars"]);
      else badTextPaths(v, [...path, k], out);
    }
  } else out.push([here(), "unsupportedValue"]);
  return out;
}

/**
 * One line per call: path, type, outcome and duration at info (4xx at info too, 5xx at error
 * with the error), never the input. The request's logger is current while the procedure runs.
 */
const logged = t.middleware(async ({ ctx, path, type, next }) => {
  const started = performance.now();
  const result = await withLog(ctx.log, () => next());
  // Once a mutation is over (its transaction committed or rolled back), what this instance caches
  // of grants and configuration is read again (security/change-epoch.ts).
  if (type === "mutation") noteChange();
  const ms = Math.round((performance.now() - started) * 10) / 10;
  if (result.ok) ctx.log.info({ path, type, ms, outcome: "ok" }, "procedure");
  else {
    const error = result.error;
    const appCode = appCodeFor(error);
    const status = describeError(appCode, "en").status;
    if (error.code === "INTERNAL_SERVER_ERROR" || status >= 500)
      ctx.log.error({ path, type, ms, outcome: "error", appCode, err: error.cause ?? error }, "procedure failed");
    else ctx.log.info({ path, type, ms, outcome: "refused", appCode, trpcCode: error.code }, "procedure refused");
  }
  return result;
});

const cleanText = t.middleware(async ({ ctx, getRawInput, next }) => {
  let raw: unknown;
  try {
    raw = await getRawInput();
  } catch (cause) {
    throw new TRPCError({ code: "PARSE_ERROR", cause });
  }
  const paths = badTextPaths(raw);
  if (paths.length) throw new AppError(10003, Object.fromEntries(paths.map(([p, kind]) => [p, [message(kind, ctx.locale)]])));
  return next();
});

/** Every procedure logs its call; the text check runs after the guards, just before the input schema. */
const baseProcedure = t.procedure.use(logged);

export const publicProcedure = baseProcedure.meta({ public: true }).use(cleanText);

/** Anonymous, but only on a known host whose tenant is enabled (sign-up, codes, recovery). */
export const publicTenantProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.tenant) throw new AppError(10007);
  if (ctx.tenant.status !== "enabled") throw new AppError(10008);
  return next<Narrowed<PublicTenantCtx>>({});
});

/**
 * A client token stands for a program, not a person: it may call tenant operations its scopes
 * cover, never the caller's own account (`uc.me.*`) nor procedures without a code.
 */
const needsUser = (permission: PermissionCode | undefined) => !permission || permission.startsWith("uc.me.");

/** 401 without a valid identity; cookie calls from another site are refused. */
function checkAuthed(ctx: Context, meta: Meta | undefined): asserts ctx is TenantCtx {
  if (!ctx.tenant) throw new AppError(10007);
  if (!ctx.actor) throw new AppError(10001);
  if (ctx.via === "cookie" && ctx.crossSite) throw new AppError(10006);
  if (ctx.actor.client && needsUser(meta?.permission)) throw new AppError(17006);
  if (ctx.actor.mustChangePassword && !meta?.allowDuringPasswordChange) throw new AppError(12011);
}

/** The request's tenant must exist and, for everyone but operators, be enabled; the actor must hold `permission`. */
function checkTenant({ tenant, actor }: TenantCtx, permission: PermissionCode | undefined) {
  if (tenant.status !== "enabled" && !actor.isOperator) throw new AppError(10008);
  // Fail closed: a tenant procedure that forgot to name its permission is refused to everyone.
  // A token's caller (a program, or a user through an app) lacks a scope; a signed-in user a permission.
  if (!permission || !hasPermission(actor.permissions, permission)) throw new AppError(actor.client || actor.app ? 17005 : 10002);
  // A client acts within its own tenant only (operators' cross-host reach is for users).
  if (actor.client && actor.tenantId !== tenant.id) throw new AppError(10001);
}

/**
 * The ladder checks the one context in place and hands it on unchanged: `next<Narrowed<T>>({})`
 * passes no new ctx (tRPC merges nothing then), the type argument only records what the checks
 * proved, so a procedure sees `TenantCtx` without a copy of the context per middleware.
 */
type Narrowed<T extends Context> = Pick<T, "tenant" | "actor">;

const authed = baseProcedure.use(({ ctx, meta, next }) => {
  checkAuthed(ctx, meta);
  return next<Narrowed<TenantCtx>>({});
});

export const authedProcedure = authed.use(cleanText);

export const tenantProcedure = baseProcedure
  .use(({ ctx, meta, next }) => {
    checkAuthed(ctx, meta);
    checkTenant(ctx, meta?.permission);
    return next<Narrowed<TenantCtx>>({});
  })
  .use(cleanText);

/**
 * The same ladder for HTTP routes outside tRPC (uploads, file bytes): throws the AppError a
 * procedure guarded by `permission` would.
 */
export function guardRequest(ctx: Context, permission: PermissionCode): TenantCtx {
  checkAuthed(ctx, { permission });
  checkTenant(ctx, permission);
  return ctx;
}

/** The guard every operation starts from: `requirePermission("uc.tenant.get").query(...)`. */
export const requirePermission = (code: PermissionCode) => tenantProcedure.meta({ permission: code });

/**
 * The `GET /<resource>/error-codes` procedure every resource publishes: the common table and the
 * resource's own `tables`, in the caller's language. `base` is publicTenantProcedure for
 * resources served on a tenant's host only (auth).
 */
export const errorCodesProcedure = (path: `/${string}`, tags: string[], tables: Exclude<ErrorResource, "common">[], base = publicProcedure) =>
  base
    .meta({ openapi: { method: "GET", path, tags, summary: "Error-code table" } })
    .input(z.object({}).optional())
    .output(errorTableOutput)
    .query(({ ctx }) => ["common" as const, ...tables].flatMap((table) => errorTable(table, ctx.locale)));

/** A small world for router tests: the seeded default tenant, a second tenant and its users. */
import { afterAll, beforeAll } from "vitest";
import { TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { AppError, appCodeFor } from "~/server/errors";
import { fieldErrors, localizeFields } from "~/lib/validators/common";
import { createTestDb } from "~/test/db";
import { createCaller } from "~/server/api/root";
import { createContextInner, type Context } from "~/server/api/trpc";
import { seed } from "~/server/seed";
import { hashPassword } from "~/server/password";
import { createLoginSession, loadActor, type Site } from "~/server/services/session";
import { resolveTenant, type ResolvedTenant } from "~/server/services/host";
import { ensureStandardIdentityResources } from "~/server/services/api-resources";
import type { PrismaClient } from "~/generated/prisma/client";

export const ADMIN_PASSWORD = "operator-pass-1";
export const USER_PASSWORD = "user-pass-1234";

export async function buildWorld(db: PrismaClient) {
  await seed(db, { adminUsername: "admin", adminPassword: ADMIN_PASSWORD });
  const platform = (await resolveTenant(db, "localhost"))!;
  const other = await db.tenant.create({
    data: { name: "Tenant B", status: "enabled", hosts: { create: [{ host: "b.test" }] } },
  });
  // What the tenant service gives every new tenant: the built-in roles and the standard identity resources.
  const { ensureBuiltInRoles } = await import("~/server/services/roles");
  await ensureBuiltInRoles(db, other.id);
  await ensureStandardIdentityResources(db, other.id);
  const tenantB = (await resolveTenant(db, "b.test"))!;
  const manager = await db.role.create({
    data: { tenantId: other.id, name: "tenant-manager", permissions: ["uc.tenant.all", "uc.me.all"] },
  });
  const roleId = async (name: string) => (await db.role.findUniqueOrThrow({ where: { tenantId_name: { tenantId: other.id, name } } })).id;
  const passwordHash = await hashPassword(USER_PASSWORD);

  const userInB = async (userName: string, roleIds: string[], extra: { phone?: string; email?: string } = {}) =>
    db.user.create({
      data: {
        tenantId: other.id,
        userName,
        userNameKey: userName.toLowerCase(),
        passwordHash,
        ...extra,
        roles: { create: roleIds.map((id) => ({ roleId: id })) },
      },
    });
  const managerB = await userInB("ManagerB", [manager.id, await roleId("administrator")], { phone: "+86-15810419011", email: "manager@b.test" });
  const plainB = await userInB("plainb", [await roleId("user")]);
  const nobodyB = await userInB("nobodyb", []);
  const operator = await db.user.findFirstOrThrow({ where: { isOperator: true } });

  /** A user of `tenantId` (password USER_PASSWORD) holding that tenant's roles named in `roles`. */
  async function makeUser(tenantId: string, userName: string, roles: string[], extra: { phone?: string; email?: string } = {}) {
    const roleRows = await db.role.findMany({ where: { tenantId, name: { in: roles } } });
    if (roleRows.length !== roles.length) throw new Error(`makeUser: unknown role among ${roles.join(", ")}`);
    return db.user.create({
      data: { tenantId, userName, userNameKey: userName.toLowerCase(), passwordHash, ...extra, roles: { create: roleRows.map((r) => ({ roleId: r.id })) } },
    });
  }

  /** What a request carries besides its identity: the caller's IP, user agent and language. */
  type RequestExtra = Partial<Pick<Context, "ip" | "userAgent" | "locale" | "cookie">>;

  /** A context on `tenant`'s host: anonymous for a null user, else with a fresh login session of theirs. */
  async function ctxFor(userId: string | null, tenant: ResolvedTenant, site: Site = "admin", extra: RequestExtra = {}): Promise<Context> {
    if (!userId) return createContextInner({ db, tenant, host: "test", ...extra });
    const user = await db.user.findUniqueOrThrow({ where: { id: userId } });
    const s = await createLoginSession(db, { tenantId: user.tenantId, userId, site, method: "password" });
    const actor = await loadActor(db, s.id, tenant.id);
    return createContextInner({ db, tenant, actor, host: "test", ...extra });
  }
  const callerFor = async (userId: string | null, tenant: ResolvedTenant = tenantB, extra: RequestExtra = {}) =>
    createCaller(await ctxFor(userId, tenant, "admin", extra));

  return { db, platform, tenantB, operator, managerB, plainB, nobodyB, makeUser, ctxFor, callerFor };
}

/**
 * A migrated database of its own and the world above, for one test file (dropped after it):
 *   const t = setupWorld();  …  t.w.tenantB, t.db
 * `kind` and `url` say which database it is, for tests that open a second client on it.
 */
export function setupWorld() {
  const state = {} as { db: PrismaClient; kind: "postgresql" | "pglite"; url?: string; w: Awaited<ReturnType<typeof buildWorld>> };
  let cleanup: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const env = await createTestDb();
    cleanup = env.cleanup;
    state.db = env.db;
    state.kind = env.kind;
    state.url = env.url;
    state.w = await buildWorld(env.db);
  });
  afterAll(() => cleanup?.());
  return state;
}

/** A text import's answer: the revision itself (an import by URL answers `{ jobId }` instead: the job importing it). */
export async function imported<R extends object>(answer: Promise<R>): Promise<Exclude<R, { jobId: string }>> {
  const r = await answer;
  if ("jobId" in r) throw new Error(`expected a revision, got job ${String(r.jobId)}`);
  return r as Exclude<R, { jobId: string }>;
}

/**
 * Runs `fn`, expecting it to fail; returns the AppError code (or tRPC code), the tRPC code, the
 * cause, the application code the client sees (`appCode`: 10003 for a schema refusal too) and
 * the field errors the error formatter sends, in English (null when there are none).
 */
export async function failure(fn: () => Promise<unknown>) {
  try {
    await fn();
  } catch (e) {
    if (e instanceof TRPCError) {
      const fields = e.cause instanceof ZodError ? fieldErrors(e.cause, "en") : e instanceof AppError && e.fields ? localizeFields(e.fields, "en") : null;
      return { code: e instanceof AppError ? e.appCode : e.code, trpc: e.code, cause: e.cause, appCode: appCodeFor(e), fields };
    }
    throw e;
  }
  throw new Error("expected the call to fail");
}

/**
 * The procedure ladder hands every procedure the very context the request built: its checks
 * narrow the type, they copy nothing. And it still refuses what it refused before.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createCallerFactory, createContextInner, createTRPCRouter, publicTenantProcedure, requirePermission, type Context } from "~/server/api/trpc";
import type { Db } from "~/server/db";
import type { Actor } from "~/server/services/session";
import type { ResolvedTenant } from "~/server/services/host";
import { AppError } from "~/server/errors";

const tenant: ResolvedTenant = { id: "00000000-0000-4000-8000-000000000001", name: "T", status: "enabled", isDefault: false };
const actor: Actor = {
  userId: "00000000-0000-4000-8000-000000000002",
  tenantId: tenant.id,
  sessionId: "00000000-0000-4000-8000-000000000003",
  isOperator: false,
  userName: "u",
  nickname: null,
  displayName: "u",
  locale: null,
  roles: [],
  permissions: ["uc.tenant.get"],
};

let seen: unknown[] = [];
const router = createTRPCRouter({
  guarded: requirePermission("uc.tenant.get")
    .input(z.object({}).optional())
    .query(({ ctx }) => {
      seen.push(ctx);
      return ctx.tenant.id + ctx.actor.userId; // typed as TenantCtx: no null checks needed
    }),
  anonymous: publicTenantProcedure.input(z.object({}).optional()).query(({ ctx }) => {
    seen.push(ctx);
    return ctx.tenant.id;
  }),
});
const callerFor = createCallerFactory(router);
const ctxWith = (opts: Partial<Context>) => createContextInner({ db: {} as Db, tenant, host: "t.test", ...opts });

describe("the procedure ladder", () => {
  it("passes the request's own context object through every middleware, not a copy", async () => {
    seen = [];
    const ctx = ctxWith({ actor });
    await callerFor(ctx).guarded();
    const anon = ctxWith({});
    await callerFor(anon).anonymous();
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(ctx);
    expect(seen[1]).toBe(anon);
  });

  it("still refuses: no actor 10001, missing permission 10002, disabled tenant 10008, unknown host 10007", async () => {
    const code = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: unknown) => (e instanceof AppError ? e.appCode : e),
      );
    expect(await code(callerFor(ctxWith({})).guarded())).toBe(10001);
    expect(await code(callerFor(ctxWith({ actor: { ...actor, permissions: [] } })).guarded())).toBe(10002);
    expect(await code(callerFor(ctxWith({ actor, tenant: { ...tenant, status: "disabled" } })).guarded())).toBe(10008);
    expect(await code(callerFor(ctxWith({ actor, tenant: null })).guarded())).toBe(10007);
    expect(await code(callerFor(ctxWith({ tenant: null })).anonymous())).toBe(10007);
  });

  it("fills the audit meta from the request's ip and User-Agent unless given", () => {
    expect(ctxWith({ ip: "192.0.2.1", userAgent: "UA" }).audit).toEqual({ ip: "192.0.2.1", userAgent: "UA", reqId: null });
  });
});

import { z } from "zod";
import { createTRPCRouter, errorCodesProcedure, publicProcedure, requirePermission } from "~/server/api/trpc";
import { idInput, listOutput } from "~/lib/validators/common";
import {
  publicByHostInput,
  tenantCreateInput,
  tenantDetail,
  tenantListInput,
  tenantPublic,
  tenantStatusInput,
  tenantSummary,
  tenantUpdateInput,
} from "~/lib/validators/tenant";
import * as tenants from "~/server/services/tenant";
import { AppError } from "~/server/errors";

const tags = ["tenant"];

export const tenantRouter = createTRPCRouter({
  // Before the `{id}` routes: the REST layer serves the first path that matches.
  errorCodes: errorCodesProcedure("/tenants/error-codes", tags, ["tenant"]),

  list: requirePermission("uc.tenant.get")
    .meta({ openapi: { method: "GET", path: "/tenants", tags, protect: true, summary: "List tenants" } })
    .input(tenantListInput)
    .output(listOutput(tenantSummary))
    .query(({ ctx, input }) => tenants.listTenants(ctx, input)),

  detail: requirePermission("uc.tenant.detail")
    .meta({ openapi: { method: "GET", path: "/tenants/{id}", tags, protect: true, summary: "Tenant detail" } })
    .input(idInput)
    .output(tenantDetail)
    .query(({ ctx, input }) => tenants.getTenant(ctx, input.id)),

  create: requirePermission("uc.tenant.post")
    .meta({ openapi: { method: "POST", path: "/tenants", tags, protect: true, summary: "Create a tenant" } })
    .input(tenantCreateInput)
    .output(tenantDetail)
    .mutation(({ ctx, input }) => tenants.createTenant(ctx, input)),

  update: requirePermission("uc.tenant.put")
    .meta({ openapi: { method: "PUT", path: "/tenants/{id}", tags, protect: true, summary: "Update a tenant" } })
    .input(tenantUpdateInput)
    .output(tenantDetail)
    .mutation(({ ctx, input }) => tenants.updateTenant(ctx, input)),

  setStatus: requirePermission("uc.tenant.put")
    .meta({ openapi: { method: "PUT", path: "/tenants/{id}/status", tags, protect: true, summary: "Enable or disable a tenant" } })
    .input(tenantStatusInput)
    .output(tenantDetail)
    .mutation(({ ctx, input }) => tenants.setTenantStatus(ctx, input)),

  delete: requirePermission("uc.tenant.delete")
    .meta({ openapi: { method: "DELETE", path: "/tenants/{id}", tags, protect: true, summary: "Delete a tenant" } })
    .input(idInput)
    .output(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => tenants.deleteTenant(ctx, input.id)),

  publicByHost: publicProcedure
    .meta({
      openapi: { method: "GET", path: "/public/tenant", tags, summary: "Public tenant detail by host (anonymous)" },
    })
    .input(publicByHostInput)
    .output(tenantPublic)
    .query(({ ctx, input }) => {
      const host = input.host ?? ctx.host;
      if (!host) throw new AppError(10007);
      return tenants.publicTenantByHost(ctx.db, host);
    }),
});

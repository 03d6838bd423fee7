import { z } from "zod";
import { createTRPCRouter, requirePermission } from "~/server/api/trpc";
import { PERMISSIONS, RESOURCE_NAMES, permissionName, resourceName } from "~/lib/permissions";
import { text } from "~/lib/validators/common";

const entry = z.object({
  code: z.string(),
  resource: z.string(),
  action: z.string(),
  name: z.string(),
  resourceName: z.string(),
});

export const permissionRouter = createTRPCRouter({
  list: requirePermission("uc.permission.get")
    .meta({ openapi: { method: "GET", path: "/permissions", tags: ["permission"], protect: true, summary: "The permission-code registry" } })
    .input(z.object({ q: text().trim().max(100).optional() }))
    .output(z.array(entry))
    .query(({ ctx, input }) => {
      const q = input.q?.toLowerCase();
      // Both languages match whatever the caller's language: people search with the words they know.
      const matches = (p: (typeof PERMISSIONS)[number]) =>
        !q || [p.code, p.nameZh, p.nameEn, RESOURCE_NAMES[p.resource].zh, RESOURCE_NAMES[p.resource].en].some((s) => s.toLowerCase().includes(q));
      return PERMISSIONS.filter(matches).map((p) => ({
        code: p.code,
        resource: p.resource,
        action: p.action,
        name: permissionName(p.resource, p.action, ctx.locale),
        resourceName: resourceName(p.resource, ctx.locale),
      }));
    }),
});

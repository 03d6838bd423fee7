import { z } from "zod";
import { createTRPCRouter, requirePermission } from "~/server/api/trpc";
import { idInput } from "~/lib/validators/common";
import { packageCreateInput, packageItem, packageUpdateInput } from "~/lib/validators/api-subscription";
import * as svc from "~/server/services/api-packages";

const tags = ["apipackage"];

/** The package market: an API's SDKs and collections (npm, NuGet, Gradle, SwiftPM, Postman), shown on the developer portal. */
export const apiPackageRouter = createTRPCRouter({
  list: requirePermission("uc.apiresource.packages")
    .meta({ openapi: { method: "GET", path: "/api-resources/{id}/packages", tags, protect: true, summary: "List an API's packages" } })
    .input(idInput)
    .output(z.array(packageItem))
    .query(({ ctx, input }) => svc.listPackages(ctx, input.id)),

  create: requirePermission("uc.apiresource.postpackages")
    .meta({ openapi: { method: "POST", path: "/api-packages", tags, protect: true, summary: "Add a package" } })
    .input(packageCreateInput)
    .output(packageItem)
    .mutation(({ ctx, input }) => svc.createPackage(ctx, input)),

  update: requirePermission("uc.apiresource.putpackages")
    .meta({ openapi: { method: "PUT", path: "/api-packages/{id}", tags, protect: true, summary: "Edit a package" } })
    .input(packageUpdateInput)
    .output(packageItem)
    .mutation(({ ctx, input }) => svc.updatePackage(ctx, input)),

  delete: requirePermission("uc.apiresource.deletepackage")
    .meta({ openapi: { method: "DELETE", path: "/api-packages/{id}", tags, protect: true, summary: "Delete a package" } })
    .input(idInput)
    .output(z.object({ id: z.uuid() }))
    .mutation(({ ctx, input }) => svc.deletePackage(ctx, input.id)),
});
